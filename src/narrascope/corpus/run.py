"""The resumable batch run: stream inputs, skip what is stored, analyse, commit each batch as it completes."""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from narrascope.pipeline import DEFAULT_DETECTORS, Analyzer, Outcome
from narrascope.store import DEFAULT_DB, Store, read_parquet_articles, versions_key
from narrascope.types import Analysis, Article, DocumentError, NarrascopeError

Item = Article | DocumentError
ENGINES = ("local", "ray")
_KNOWN = {".txt", ".html", ".htm", ".jsonl", ".csv", ".parquet"}


@dataclass(frozen=True)
class RunSummary:
    """What one run did: documents analysed now, skipped as already stored, and failed."""

    db: Path
    run_id: int
    analyzed: int
    skipped: int
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.analyzed / self.seconds if self.seconds > 0 else 0.0


def iter_inputs(paths: Sequence[str | Path]) -> Iterator[Item]:
    """Every input ``iter_articles`` reads, plus Parquet files (streamed by row batches)."""
    from narrascope.ingest import iter_articles

    for raw in paths:
        path = Path(raw)
        if path.suffix.lower() == ".parquet" and path.is_file():
            yield from read_parquet_articles(path)
        else:
            yield from iter_articles([path])


def estimate_total(paths: Sequence[str | Path]) -> int:
    """A cheap count of the documents in the inputs (files, JSONL lines, CSV rows, Parquet
    rows), for the progress bar's ETA."""
    total = 0
    for raw in paths:
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        total += sum(
            _count_file(f) for f in files if f.suffix.lower() in _KNOWN and not f.name.startswith(".")
        )
    return total


def _count_file(path: Path) -> int:
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            with path.open("rb") as f:
                return sum(1 for line in f if line.strip())
        if suffix == ".csv":
            with path.open("r", encoding="utf-8", errors="replace", newline="") as f:
                return max(sum(1 for _ in csv.reader(f)) - 1, 0)
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(str(path)).metadata.num_rows)
    except (OSError, ValueError, csv.Error):
        return 0
    return 1


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def analyze_corpus(
    inputs: Sequence[str | Path],
    db: str | Path = DEFAULT_DB,
    *,
    detectors: Sequence[str] = DEFAULT_DETECTORS,
    engine: str = "local",
    address: str | None = None,
    batch_size: int = 16,
    progress: bool | None = None,
) -> RunSummary:
    """Analyse every input document into the store ``db``; resumable.

    Each batch (analyses, errors and the run's counts) is committed in one transaction as soon as it is
    analysed, so a killed run loses at most the batch in flight. Documents already stored under the same
    id and content hash with the same model versions are skipped. ``progress``: a bar with rate and ETA on
    standard error; None shows it only when standard error is a terminal.
    """
    if engine not in ENGINES:
        raise NarrascopeError(f"unknown engine {engine!r}; engines: {', '.join(ENGINES)}")
    if engine == "ray":
        from narrascope.scale import RayOptions, analyze_on_ray

        show_ray = sys.stderr.isatty() if progress is None else progress
        options = RayOptions(address=address, batch_size=batch_size, progress=show_ray)
        s = analyze_on_ray(inputs, db, detectors=detectors, options=options)
        return s  # a ScaleSummary is a RunSummary
    analyzer = Analyzer(detectors=detectors, batch_size=batch_size)
    versions = analyzer.model_versions()
    show = sys.stderr.isatty() if progress is None else progress
    started = time.monotonic()
    with Store(db) as store:
        run_id = store.start_run(versions, engine, [str(p) for p in inputs])
        try:
            _run_batches(store, analyzer, run_id, versions_key(versions), inputs, show, batch_size)
        except BaseException:
            store.finish_run(run_id, status="interrupted")
            raise
        info = store.finish_run(run_id)
    return RunSummary(
        Path(db), run_id, info.n_analyzed, info.n_skipped, info.n_errors, time.monotonic() - started
    )


def _run_batches(
    store: Store,
    analyzer: Analyzer,
    run_id: int,
    vkey: str,
    inputs: Sequence[str | Path],
    show: bool,
    size: int,
) -> None:
    from tqdm import tqdm

    total = estimate_total(inputs) if show else None
    with tqdm(total=total, disable=not show, unit="doc", file=sys.stderr, dynamic_ncols=True) as bar:
        failed = 0
        for chunk in chunks(iter_inputs(inputs), size):
            failed += run_chunk(lambda: nullcontext(store), analyzer.run, run_id, vkey, chunk)
            bar.update(len(chunk))
            if failed:
                bar.set_postfix(errors=failed, refresh=False)


def run_chunk(
    open_store: Callable[[], AbstractContextManager[Store]],
    analyze: Callable[[list[Article]], Iterable[Outcome]],
    run_id: int,
    vkey: str,
    chunk: list[Item],
) -> int:
    """Analyse one chunk of inputs into the store and return its failures. Articles stored already are
    skipped; the analyses, errors and the run's counts are committed in ONE transaction, and the counts
    grow by exactly ``len(chunk)``, so their sum says how many inputs a run has consumed. The store is
    opened (``open_store``) for the skip check and for the write, not while the chunk is analysed."""
    with open_store() as store:
        batch = _split(store, vkey, chunk)
    analyses: list[Analysis] = []
    errors = batch.errors
    for outcome in analyze(batch.todo):
        if outcome.analysis is not None:
            analyses.append(outcome.analysis)
        elif outcome.error is not None:
            errors.append(outcome.error)
    with open_store() as store:
        store.write_batch(run_id, vkey, analyses, errors, batch.skipped)
    return len(errors)


@dataclass
class _Batch:
    todo: list[Article]
    errors: list[DocumentError]
    skipped: int


def _split(store: Store, vkey: str, chunk: list[Item]) -> _Batch:
    """The chunk's articles still to analyse, its input errors, and how many were skipped."""
    articles = [i for i in chunk if isinstance(i, Article)]
    errors = [i for i in chunk if isinstance(i, DocumentError)]
    done = store.stored(((a.id, a.content_hash) for a in articles), vkey)
    todo: list[Article] = []
    seen: set[tuple[str, str]] = set()
    for a in articles:
        key = (a.id, a.content_hash)
        if key not in done and key not in seen:
            todo.append(a)
            seen.add(key)
    return _Batch(todo, errors, len(articles) - len(todo))
