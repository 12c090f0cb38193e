"""Ingest: read plain text, saved HTML, JSONL/CSV with metadata, and folders into :class:`Article` values."""

from narrascope.ingest._article import article_from_html, article_from_text
from narrascope.ingest._decode import decode_bytes
from narrascope.ingest._files import file_id, iter_articles, read_file, record_article

__all__ = [
    "article_from_html",
    "article_from_text",
    "decode_bytes",
    "file_id",
    "iter_articles",
    "read_file",
    "record_article",
]
