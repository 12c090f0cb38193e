"""Kept only as a re-export: ``techniques.v2`` is ``analyze.techniques.reader`` (its spec
``analyze.techniques.spec.SPEC_V2``)."""

from narrascope.analyze.techniques.reader import (
    RIDGE,
    RIDGE_SPACE,
    SPACE,
    ReaderTechniquesDetector,
    techniques_v2,
)
from narrascope.analyze.techniques.spec import SPEC_V2 as SPEC

__all__ = ["RIDGE", "RIDGE_SPACE", "SPACE", "SPEC", "ReaderTechniquesDetector", "techniques_v2"]
