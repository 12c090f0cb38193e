"""``techniques``: persuasion techniques (the 23 of SemEval-2023 Task 3) as character spans with a score.

One folder for the task's versions and modes: ``techniques.v1`` (``detector``: sentence findings from the
sentence model of ``model``), ``techniques.v2`` (``reader``: phrases tagged token by token on the reader's
pass, decoded by ``tagging``) and ``techniques-en.v1`` (``english``: the fine-tuned English sentence reader).
``formats`` writes their official formats (SemEval-2023 subtask 3 and ``spans``), ``spec`` declares them.
This module re-exports what ``analyze/techniques.py`` exported, and the versions' detectors and factories.
"""

from narrascope.analyze.techniques.detector import TechniquesDetector, techniques_v1
from narrascope.analyze.techniques.english import TechniquesEnDetector, techniques_en_v1
from narrascope.analyze.techniques.formats import FORMATS, line_number, paragraph_labels, span_rows, st3_rows
from narrascope.analyze.techniques.model import (
    N_BLOCKS,
    SPACE,
    Matrix,
    TechniqueModel,
    context_features,
    document_features,
    paragraph_index,
    sentence_findings,
    space_for,
)
from narrascope.analyze.techniques.reader import ReaderTechniquesDetector, techniques_v2
from narrascope.analyze.techniques.spec import SPEC, SPEC_EN, SPEC_V2

__all__ = [
    "FORMATS",
    "N_BLOCKS",
    "SPACE",
    "SPEC",
    "SPEC_EN",
    "SPEC_V2",
    "Matrix",
    "ReaderTechniquesDetector",
    "TechniqueModel",
    "TechniquesDetector",
    "TechniquesEnDetector",
    "context_features",
    "document_features",
    "line_number",
    "paragraph_index",
    "paragraph_labels",
    "sentence_findings",
    "space_for",
    "span_rows",
    "st3_rows",
    "techniques_en_v1",
    "techniques_v1",
    "techniques_v2",
]
