"""``claims``: check-worthy claims (CheckThat! 2024 Task 1), and the known claims they restate.

The package: ``detector`` (the detector, the known claims it matches, its factory), ``formats`` (the official
format's writer, over a TSV of sentences), ``spec`` (its ``SPEC``). This module re-exports what
``analyze/claims.py`` exported.
"""

from narrascope.analyze.claims.detector import (
    LABEL,
    MATCH_LABEL,
    MATCH_THRESHOLD,
    MAX_MATCHES,
    TRAINED_LANGUAGES,
    ClaimsDetector,
    KnownClaims,
    Matrix,
    claim_span,
    claims_v1,
    matching_known_claims,
    with_known_claims,
)
from narrascope.analyze.claims.formats import FORMATS, write_checkthat
from narrascope.analyze.claims.spec import SPEC

__all__ = [
    "FORMATS",
    "LABEL",
    "MATCH_LABEL",
    "MATCH_THRESHOLD",
    "MAX_MATCHES",
    "SPEC",
    "TRAINED_LANGUAGES",
    "ClaimsDetector",
    "KnownClaims",
    "Matrix",
    "claim_span",
    "claims_v1",
    "matching_known_claims",
    "with_known_claims",
    "write_checkthat",
]
