"""The streaming batch layer under every corpus run: the local engine (``corpus.run``), Ray (``scale``) and
the web's batch jobs.

Inputs stream as ``Article``s and ``DocumentError``s (``iter_inputs``), are cut into chunks (``chunks``), and
each chunk is split into the articles still to analyse and those the store holds already (``pending``);
``run_chunk`` analyses one chunk into the store in one transaction. ``corpus`` and ``scale`` both build on
this module and neither imports the other at module level (``corpus.run`` reaches ``scale`` lazily, to
dispatch ``engine="ray"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from narrascope.ingest import count_documents, iter_articles
from narrascope.pipeline import Outcome
from narrascope.store import Store
from narrascope.types import Analysis, Article, DocumentError

__all__ = ["Item", "Pending", "RunSummary", "chunks", "estimate_total", "iter_inputs", "pending", "run_chunk"]

Item = Article | DocumentError


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
    """Every input of ``paths``, as ``ingest.iter_articles`` reads them (Parquet streamed by row batches)."""
    return iter_articles(paths)


def estimate_total(paths: Sequence[str | Path]) -> int:
    """A cheap count of the documents in the inputs (``ingest.count_documents``), for the progress bar."""
    return count_documents(paths)


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass
class Pending:
    """One chunk of inputs, split: the articles still to analyse, the input errors, and how many articles
    were skipped (stored already under the run's model versions, or repeated within the chunk)."""

    todo: list[Article]
    errors: list[DocumentError]
    skipped: int


def pending(store: Store, vkey: str, chunk: Sequence[Item]) -> Pending:
    """Split ``chunk``: an article is analysed unless the store holds its id and content hash under the
    versions key ``vkey``, or an earlier article of the chunk has the same; the first one seen is kept."""
    articles = [i for i in chunk if isinstance(i, Article)]
    errors = [i for i in chunk if isinstance(i, DocumentError)]
    done = store.stored(((a.id, a.content_hash) for a in articles), vkey)
    todo: dict[tuple[str, str], Article] = {}
    for a in articles:
        key = (a.id, a.content_hash)
        if key not in done:
            todo.setdefault(key, a)
    return Pending(list(todo.values()), errors, len(articles) - len(todo))


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
        batch = pending(store, vkey, chunk)
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
