"""Narrascope: find the persuasion techniques, narratives and framing in news articles, offline."""

from narrascope.pipeline import Analyzer, Outcome, analyze
from narrascope.types import (
    SCHEMA_VERSION,
    Analysis,
    Article,
    DetectorResult,
    Document,
    DocumentError,
    Finding,
    InputError,
    Limits,
    NarrascopeError,
    Span,
)

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "Analysis",
    "Analyzer",
    "Article",
    "DetectorResult",
    "Document",
    "DocumentError",
    "Finding",
    "InputError",
    "Limits",
    "NarrascopeError",
    "Outcome",
    "Span",
    "__version__",
    "analyze",
]
