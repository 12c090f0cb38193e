"""Kept only as a re-export: the decoding of token scores into phrase spans is
``analyze.techniques.tagging``."""

from narrascope.analyze.techniques.tagging import (
    Matrix,
    Phrase,
    line_of_tokens,
    paragraph_maxima,
    phrases,
    spread_to_tokens,
    widen,
)

__all__ = ["Matrix", "Phrase", "line_of_tokens", "paragraph_maxima", "phrases", "spread_to_tokens", "widen"]
