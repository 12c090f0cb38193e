"""The corpus store: a DuckDB file (articles, findings, runs, errors, claims), numbered migrations, export,
and the filtered views and queries the corpus pages read."""

from narrascope.ingest import iter_parquet as read_parquet_articles  # its old name here; ingest reads Parquet
from narrascope.store._io import FORMATS, ExportSummary, export_corpus, meta_keys
from narrascope.store._jobs import (
    JOB_STATUSES,
    JobInfo,
    add_job,
    finish_job,
    job_info,
    list_jobs,
    next_job,
    queue_position,
    run_failures,
    start_job,
)
from narrascope.store._schema import LATEST, MIGRATIONS, Migration, applied_versions, migrate
from narrascope.store._store import DEFAULT_DB, RunInfo, Store, entity_of, parse_date, versions_key
from narrascope.store._views import (
    ArticlePage,
    ArticleRow,
    CorpusFilter,
    Facets,
    facets,
    filtered_view,
    latest_analysis,
    list_articles,
)

__all__ = [
    "DEFAULT_DB",
    "FORMATS",
    "JOB_STATUSES",
    "LATEST",
    "MIGRATIONS",
    "ArticlePage",
    "ArticleRow",
    "CorpusFilter",
    "ExportSummary",
    "Facets",
    "JobInfo",
    "Migration",
    "RunInfo",
    "Store",
    "add_job",
    "applied_versions",
    "entity_of",
    "export_corpus",
    "facets",
    "filtered_view",
    "finish_job",
    "job_info",
    "latest_analysis",
    "list_articles",
    "list_jobs",
    "meta_keys",
    "migrate",
    "next_job",
    "parse_date",
    "queue_position",
    "read_parquet_articles",
    "run_failures",
    "start_job",
    "versions_key",
]
