"""``narratives``: the narratives and subnarratives of a taxonomy (SemEval-2025 Task 10), with evidence and
an explanation of the dominant one.

The package: ``detector`` (the trained and zero-shot detector, its model loading and factory), ``formats``
(the official formats' writers), ``spec`` (its ``SPEC``). This module re-exports what
``analyze/narratives.py`` exported.
"""

from narrascope.analyze.narratives.detector import (
    EVIDENCE_SENTENCES,
    EXPLANATION_WORDS,
    SPACE,
    TAXONOMY_FILE,
    ZERO_SHOT_CENTER,
    ZERO_SHOT_MARGIN,
    ZERO_SHOT_SLOPE,
    Decision,
    Matrix,
    NarrativeDetector,
    Rule,
    explain,
    model_folder,
    narratives_v1,
    prototypes,
    similarities,
    zero_shot_scores,
)
from narrascope.analyze.narratives.formats import FORMATS, st2_rows, st3_rows
from narrascope.analyze.narratives.spec import SPEC

__all__ = [
    "EVIDENCE_SENTENCES",
    "EXPLANATION_WORDS",
    "FORMATS",
    "SPACE",
    "SPEC",
    "TAXONOMY_FILE",
    "ZERO_SHOT_CENTER",
    "ZERO_SHOT_MARGIN",
    "ZERO_SHOT_SLOPE",
    "Decision",
    "Matrix",
    "NarrativeDetector",
    "Rule",
    "explain",
    "model_folder",
    "narratives_v1",
    "prototypes",
    "similarities",
    "st2_rows",
    "st3_rows",
    "zero_shot_scores",
]
