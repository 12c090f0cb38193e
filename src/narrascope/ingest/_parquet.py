"""Parquet input: a file with a ``text`` (or ``html``) column, ``id`` and metadata columns, streamed by row
batches. A corpus export's ``articles.parquet`` reads back this way (its bookkeeping columns dropped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from narrascope.ingest._article import record_article
from narrascope.types import DEFAULT_LIMITS, Article, DocumentError, InputError, Limits

# Columns a corpus export adds beside the article's own: never metadata of the article read back.
_EXPORT_COLUMNS = frozenset({"content_hash", "n_words", "run_id", "analysis", "source"})


def iter_parquet(
    path: str | Path, limits: Limits = DEFAULT_LIMITS, batch_rows: int = 1024
) -> Iterator[Article | DocumentError]:
    """An article, or a :class:`DocumentError` naming ``path:row``, per row; an unreadable file or one
    without a ``text`` column is one error."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(str(path))
    except (OSError, ValueError) as exc:
        yield DocumentError(str(path), f"not a readable Parquet file ({exc})")
        return
    if "text" not in pf.schema_arrow.names:
        yield DocumentError(
            str(path), f"Parquet file has no 'text' column (found: {', '.join(pf.schema_arrow.names)})"
        )
        return
    row_no = 0
    for batch in pf.iter_batches(batch_size=batch_rows):
        for record in batch.to_pylist():
            row_no += 1
            yield _row_article(record, f"{path}:{row_no}", limits)


def count_rows(path: Path) -> int:
    """The rows of a Parquet file, from its footer (no data read)."""
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(str(path)).metadata.num_rows)


def _row_article(record: dict[str, Any], where: str, limits: Limits) -> Article | DocumentError:
    clean = {k: v for k, v in record.items() if k not in _EXPORT_COLUMNS and v is not None}
    try:
        return record_article(clean, where, limits)
    except InputError as exc:
        return DocumentError(where, exc.problem)
