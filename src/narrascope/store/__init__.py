"""The corpus store: a DuckDB file (articles, findings, runs, errors, claims), numbered migrations, export."""

from narrascope.store._io import FORMATS, ExportSummary, export_corpus, meta_keys, read_parquet_articles
from narrascope.store._schema import LATEST, MIGRATIONS, Migration, applied_versions, migrate
from narrascope.store._store import DEFAULT_DB, RunInfo, Store, entity_of, parse_date, versions_key

__all__ = [
    "DEFAULT_DB",
    "FORMATS",
    "LATEST",
    "MIGRATIONS",
    "ExportSummary",
    "Migration",
    "RunInfo",
    "Store",
    "applied_versions",
    "entity_of",
    "export_corpus",
    "meta_keys",
    "migrate",
    "parse_date",
    "read_parquet_articles",
    "versions_key",
]
