"""Import the Ray job's result Parquet into the DuckDB store, through ``Store``'s public methods.

A retried task may hand back a document twice, and an input may hold one twice: rows are deduplicated on
(article id, content hash) against the store and within the file, so each document is stored once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from narrascope.scale._rows import row_outcome
from narrascope.store import Store
from narrascope.types import Analysis, DocumentError

Key = tuple[str, str]  # (article_id, content_hash)


@dataclass(frozen=True)
class ImportCounts:
    """What an import stored: analyses, errors, and rows skipped as already stored or repeated."""

    analyzed: int = 0
    errors: int = 0
    skipped: int = 0

    def __add__(self, other: ImportCounts) -> ImportCounts:
        return ImportCounts(
            self.analyzed + other.analyzed, self.errors + other.errors, self.skipped + other.skipped
        )


def import_table(
    store: Store, table: pa.Table, run_id: int, vkey: str, failed: set[Key] | None = None
) -> ImportCounts:
    """Store one table of result rows in one transaction (``Store.write_batch``).

    Analysed documents already stored under ``vkey`` are skipped; ``failed`` (kept by the caller across
    the tables of one run) holds the keys of documents already recorded as errors, which the store does
    not key.
    """
    rows = table.to_pylist()
    keys = [(str(r["article_id"]), str(r["content_hash"])) for r in rows]
    done = store.stored(keys, vkey)
    failed = failed if failed is not None else set()
    analyses: list[Analysis] = []
    errors: list[DocumentError] = []
    seen: set[Key] = set()
    skipped = 0
    for key, row in zip(keys, rows, strict=True):
        if key in done or key in seen or key in failed:
            skipped += 1
            continue
        seen.add(key)
        outcome = row_outcome(row)
        if isinstance(outcome, Analysis):
            analyses.append(outcome)
        else:
            errors.append(outcome)
            failed.add(key)
    store.write_batch(run_id, vkey, analyses, errors, skipped)
    return ImportCounts(len(analyses), len(errors), skipped)


def import_parquet(
    store: Store,
    paths: Sequence[str | Path] | str | Path,
    run_id: int,
    vkey: str,
    *,
    batch_rows: int = 1024,
    failed: set[Key] | None = None,
) -> ImportCounts:
    """Import result Parquet files (or folders of them) into run ``run_id``, committed batch by batch.

    ``vkey`` is ``versions_key`` of the model versions the results were made with; ``failed`` as in
    ``import_table`` (a fresh set when None).
    """
    total = ImportCounts()
    failed = failed if failed is not None else set()
    for path in _parquet_files(paths):
        for batch in pq.ParquetFile(str(path)).iter_batches(batch_size=batch_rows):
            total = total + import_table(store, pa.Table.from_batches([batch]), run_id, vkey, failed)
    return total


def _parquet_files(paths: Sequence[str | Path] | str | Path) -> Iterable[Path]:
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    for raw in items:
        path = Path(raw)
        yield from sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
