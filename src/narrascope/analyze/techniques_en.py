"""Kept only as a re-export: the English mode of the techniques detector is ``analyze.techniques.english``
(its spec ``analyze.techniques.spec.SPEC_EN``)."""

from narrascope.analyze.techniques.english import (
    ENCODER,
    HEAD,
    LANG,
    RIDGE,
    Matrix,
    TechniquesEnDetector,
    blend,
    techniques_en_v1,
)
from narrascope.analyze.techniques.spec import SPEC_EN as SPEC

__all__ = [
    "ENCODER",
    "HEAD",
    "LANG",
    "RIDGE",
    "SPEC",
    "Matrix",
    "TechniquesEnDetector",
    "blend",
    "techniques_en_v1",
]
