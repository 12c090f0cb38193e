"""Ingest: every input format into :class:`Article` values: plain text, saved HTML, JSONL/CSV/Parquet with
metadata, folders, the predict layout; what is HTML; the normalised text every offset indexes."""

from narrascope.ingest._article import article_from_html, article_from_text, record_article
from narrascope.ingest._decode import decode_bytes
from narrascope.ingest._files import count_documents, file_id, iter_articles, iter_txt_folder, read_file
from narrascope.ingest._furniture import drop_furniture
from narrascope.ingest._normalize import normalize_text
from narrascope.ingest._parquet import iter_parquet
from narrascope.ingest._sniff import is_html_name, looks_like_html

__all__ = [
    "article_from_html",
    "article_from_text",
    "count_documents",
    "decode_bytes",
    "drop_furniture",
    "file_id",
    "is_html_name",
    "iter_articles",
    "iter_parquet",
    "iter_txt_folder",
    "looks_like_html",
    "normalize_text",
    "read_file",
    "record_article",
]
