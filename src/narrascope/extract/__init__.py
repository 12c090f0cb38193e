"""Extract: HTML to clean text, normalisation, language identification, paragraph and sentence spans."""

from narrascope.extract._html import ExtractedHtml, html_depth, html_to_text
from narrascope.extract._lang import LangGuess, detect_language
from narrascope.extract._prepare import prepare
from narrascope.extract._segment import MAX_SENTENCE_CHARS, split_paragraphs, split_sentences

# The text-level steps every article's stored text goes through live in ``ingest`` (they fix the text that
# offsets index); they are re-exported here, where HTML extraction uses them too.
from narrascope.ingest._furniture import drop_furniture, is_furniture, remove_furniture
from narrascope.ingest._normalize import normalize_text

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
