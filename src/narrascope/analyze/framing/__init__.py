"""``framing``: who an article casts as protagonist, antagonist or innocent (SemEval-2025 Task 10 subtask 1),
per mention and per entity.

The package: ``model`` (the roles, ``decide`` and the two-head ``FramingModel``), ``detector`` (the detector
over found or given mentions, and the factories of ``framing.v1`` and ``framing.v2``), ``formats`` (the
official format's writer and the rows of given mentions), ``spec`` (``SPEC_V1``, ``SPEC_V2``). This module
re-exports what ``analyze/framing.py`` exported.
"""

from narrascope.analyze.framing.detector import (
    FramingDetector,
    entity_summary,
    framing_v1,
    framing_v2,
    mention_matrix,
)
from narrascope.analyze.framing.formats import FALLBACK_ROW, FORMATS, official_row, st1_rows
from narrascope.analyze.framing.model import (
    FINE_ROLES,
    MAIN_ROLES,
    PARENT,
    PARENT_INDEX,
    READER_SPACES,
    USE_SPACE,
    VERSIONS,
    Decision,
    FramingModel,
    Matrix,
    decide,
)
from narrascope.analyze.framing.spec import ENTITY_TYPES, SPEC_V1, SPEC_V2

__all__ = [
    "ENTITY_TYPES",
    "FALLBACK_ROW",
    "FINE_ROLES",
    "FORMATS",
    "MAIN_ROLES",
    "PARENT",
    "PARENT_INDEX",
    "READER_SPACES",
    "SPEC_V1",
    "SPEC_V2",
    "USE_SPACE",
    "VERSIONS",
    "Decision",
    "FramingDetector",
    "FramingModel",
    "Matrix",
    "decide",
    "entity_summary",
    "framing_v1",
    "framing_v2",
    "mention_matrix",
    "official_row",
    "st1_rows",
]
