"""Read access to a corpus store for the web app: the store's filtered views and queries, under one lock.

Every query is the store's (``store.filtered_view``, ``list_articles``, ``latest_analysis``, ``facets``);
this module only adds the lock the server's job runner shares.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from narrascope.store import (
    ArticlePage,
    CorpusFilter,
    Facets,
    Store,
    facets,
    filtered_view,
    latest_analysis,
    list_articles,
)
from narrascope.types import Analysis

__all__ = ["Corpus", "CorpusFilter"]
_ALL = CorpusFilter()  # no filter


class Corpus:
    """A corpus store opened for reading. Each call opens its own connection, so calls may run in threads.

    ``lock`` is held while a view is open: DuckDB lets a process attach a file only once, so the server's
    job runner, which writes to the same file, takes it too (``_jobs``).
    """

    def __init__(self, db: Path, lock: threading.RLock | None = None) -> None:
        self.db = Path(db)
        self.lock = lock or threading.RLock()

    @contextmanager
    def view(self, flt: CorpusFilter = _ALL) -> Iterator[Store]:
        with self.lock, filtered_view(self.db, flt) as store:
            yield store

    def articles(self, flt: CorpusFilter = _ALL, limit: int = 50, offset: int = 0) -> ArticlePage:
        """A page of the filtered articles, newest first, with the total count."""
        with self.view(flt) as store:
            return list_articles(store, limit, offset)

    def recent(self, n: int) -> list[dict[str, Any]]:
        return [a.to_dict() for a in self.articles(limit=n).articles]

    def analysis(self, article_id: str) -> Analysis | None:
        """The stored analysis of an article id (the latest run's), or None."""
        with self.view() as store:
            return latest_analysis(store, article_id)

    def facets(self) -> Facets:
        """The values the filter form offers: outlets, languages, labels (most frequent first)."""
        with self.view() as store:
            return facets(store)
