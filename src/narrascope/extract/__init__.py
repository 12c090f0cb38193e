"""Extract: HTML to clean text, normalisation, language identification, paragraph and sentence spans."""

from narrascope.extract._html import (
    ExtractedHtml,
    drop_furniture,
    html_depth,
    html_to_text,
    is_furniture,
    remove_furniture,
)
from narrascope.extract._lang import LangGuess, detect_language
from narrascope.extract._normalize import normalize_text
from narrascope.extract._prepare import prepare
from narrascope.extract._segment import MAX_SENTENCE_CHARS, split_paragraphs, split_sentences

__all__ = [
    "MAX_SENTENCE_CHARS",
    "ExtractedHtml",
    "LangGuess",
    "detect_language",
    "drop_furniture",
    "html_depth",
    "html_to_text",
    "is_furniture",
    "normalize_text",
    "prepare",
    "remove_furniture",
    "split_paragraphs",
    "split_sentences",
]
