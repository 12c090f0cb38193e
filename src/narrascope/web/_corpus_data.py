"""Read access to a corpus store for the web app, with filters, over the store's and analytics' own calls.

A filter is applied by views, not by copies: an in-memory :class:`Store` attaches the file read-only and
replaces its tables by views of the filtered rows, so every analytics function (which reads the tables
``articles`` and ``findings`` by name) computes over the filtered corpus unchanged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from narrascope.store import Store
from narrascope.types import Analysis

_TABLES = ("articles", "findings", "runs", "errors", "claims", "claim_matches")
_LIST_COLUMNS = ("article_id", "title", "outlet", "published", "lang", "n_words")


def _lit(value: str) -> str:
    """A SQL string literal (standard quoting: no backslash escapes in DuckDB strings)."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class CorpusFilter:
    """Which articles: each set field narrows the corpus (dates inclusive, on the publication date)."""

    outlet: str = ""
    lang: str = ""
    label: str = ""
    since: date | None = None
    until: date | None = None

    def where(self) -> str:
        terms = ["TRUE"]
        if self.outlet:
            terms.append(f"a.outlet = {_lit(self.outlet)}")
        if self.lang:
            terms.append(f"a.lang = {_lit(self.lang)}")
        if self.since:
            terms.append(f"a.published_date >= DATE {_lit(self.since.isoformat())}")
        if self.until:
            terms.append(f"a.published_date <= DATE {_lit(self.until.isoformat())}")
        if self.label:
            terms.append(
                "EXISTS (SELECT 1 FROM src.findings f WHERE f.article_id = a.article_id "
                f"AND f.content_hash = a.content_hash AND f.label = {_lit(self.label)})"
            )
        return " AND ".join(terms)

    def to_dict(self) -> dict[str, str]:
        return {k: "" if v is None else str(v) for k, v in asdict(self).items()}


class Corpus:
    """A corpus store opened for reading. Each call opens its own connection, so calls may run in threads.

    ``lock`` is held while a view is open: DuckDB lets a process attach a file only once, so the server's
    job runner, which writes to the same file, takes it too (``_jobs``).
    """

    def __init__(self, db: Path, lock: threading.RLock | None = None) -> None:
        self.db = Path(db)
        self.lock = lock or threading.RLock()

    @contextmanager
    def view(self, flt: CorpusFilter = CorpusFilter()) -> Iterator[Store]:
        with self.lock:
            yield from self._view(flt)

    def _view(self, flt: CorpusFilter) -> Iterator[Store]:
        store = Store(":memory:")
        try:
            store.query(f"ATTACH {_lit(str(self.db))} AS src (READ_ONLY)")
            present = {
                str(r[0])
                for r in store.query(
                    "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'src'"
                )
            }
            for table in _TABLES:
                if table in present:
                    store.query(f"DROP TABLE {table}")
                    store.query(f"CREATE VIEW {table} AS {self._select(table, flt)}")
            yield store
        finally:
            store.close()

    def _select(self, table: str, flt: CorpusFilter) -> str:
        if table == "articles":
            return f"SELECT * FROM src.articles a WHERE {flt.where()}"
        if table in ("findings", "claim_matches"):
            return (
                f"SELECT t.* FROM src.{table} t WHERE EXISTS (SELECT 1 FROM articles a "
                "WHERE a.article_id = t.article_id AND a.content_hash = t.content_hash)"
            )
        return f"SELECT * FROM src.{table}"

    def articles(
        self, flt: CorpusFilter = CorpusFilter(), limit: int = 50, offset: int = 0
    ) -> dict[str, Any]:
        """A page of the filtered articles, newest first, with the total count."""
        cols = ", ".join(_LIST_COLUMNS)
        with self.view(flt) as store:
            total = int(store.query("SELECT count(*) FROM articles")[0][0])
            rows = store.query(
                f"SELECT {cols} FROM articles ORDER BY published_date DESC NULLS LAST, article_id "
                "LIMIT ? OFFSET ?",
                [limit, offset],
            )
        items = [{c: ("" if v is None else v) for c, v in zip(_LIST_COLUMNS, r, strict=True)} for r in rows]
        for item in items:
            item["id"] = item.pop("article_id")
        return {"total": total, "offset": offset, "limit": limit, "articles": items, "filter": flt.to_dict()}

    def recent(self, n: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = self.articles(limit=n)["articles"]
        return items

    def analysis(self, article_id: str) -> Analysis | None:
        """The stored analysis of an article id (the latest run's), or None."""
        with self.view() as store:
            rows = store.query(
                "SELECT analysis FROM articles WHERE article_id = ? ORDER BY run_id DESC LIMIT 1",
                [article_id],
            )
        return Analysis.from_dict(json.loads(rows[0][0])) if rows else None

    def facets(self) -> dict[str, list[str]]:
        """The values the filter form offers: outlets, languages, labels (most frequent first)."""
        with self.view() as store:

            def values(sql: str) -> list[str]:
                return [str(r[0]) for r in store.query(sql) if r[0]]

            return {
                "outlet": values(
                    "SELECT outlet FROM articles GROUP BY outlet ORDER BY count(*) DESC LIMIT 200"
                ),
                "lang": values("SELECT lang FROM articles GROUP BY lang ORDER BY count(*) DESC LIMIT 100"),
                "label": values(
                    "SELECT label FROM findings WHERE entity IS NULL "
                    "GROUP BY label ORDER BY count(*) DESC LIMIT 300"
                ),
            }
