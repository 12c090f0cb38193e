"""Filtered read access to a corpus file: one filter, one view of it, and the queries the corpus pages ask.

A filter is applied by views, not by copies: an in-memory :class:`Store` attaches the file read-only and
replaces its tables by views of the filtered rows, so every analytics function (which reads the tables
``articles`` and ``findings`` by name) computes over the filtered corpus unchanged. The filter's values
reach SQL only as bound parameters: they are written to a one-row table ``corpus_filter`` that the views
read (a view cannot hold parameters), never quoted into the SQL text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from narrascope.store._store import Store
from narrascope.types import Analysis

_TABLES = ("articles", "findings", "runs", "errors", "claims", "claim_matches")
_FILTERED_ARTICLES = """
    SELECT a.* FROM src.articles a, corpus_filter c
    WHERE (c.outlet IS NULL OR a.outlet = c.outlet)
      AND (c.lang IS NULL OR a.lang = c.lang)
      AND (c.since IS NULL OR a.published_date >= c.since)
      AND (c.until IS NULL OR a.published_date <= c.until)
      AND (c.label IS NULL OR EXISTS (SELECT 1 FROM src.findings f WHERE f.article_id = a.article_id
           AND f.content_hash = a.content_hash AND f.label = c.label))"""
# rows of the articles kept: the table's name is one of _TABLES, never a value from outside
_OF_KEPT_ARTICLES = (
    "SELECT t.* FROM src.{table} t WHERE EXISTS (SELECT 1 FROM articles a "
    "WHERE a.article_id = t.article_id AND a.content_hash = t.content_hash)"
)
FACET_CAPS = {"outlet": 200, "lang": 100, "label": 300}


@dataclass(frozen=True)
class CorpusFilter:
    """Which articles: each set field narrows the corpus (dates inclusive, on the publication date)."""

    outlet: str = ""
    lang: str = ""
    label: str = ""
    since: date | None = None
    until: date | None = None

    def to_dict(self) -> dict[str, str]:
        return {k: "" if v is None else str(v) for k, v in asdict(self).items()}

    def params(self) -> list[Any]:
        """The values of ``corpus_filter``'s row, None for a field not set."""
        return [self.outlet or None, self.lang or None, self.label or None, self.since, self.until]


@contextmanager
def filtered_view(db: str | Path, flt: CorpusFilter = CorpusFilter()) -> Iterator[Store]:
    """An in-memory store whose tables are views of the rows of ``db`` that ``flt`` keeps."""
    store = Store(":memory:")
    try:
        store.query("ATTACH ? AS src (READ_ONLY)", [str(db)])
        store.query(
            "CREATE TABLE corpus_filter (outlet VARCHAR, lang VARCHAR, label VARCHAR, since DATE, until DATE)"
        )
        store.query("INSERT INTO corpus_filter VALUES (?, ?, ?, ?, ?)", flt.params())
        present = {
            str(r[0])
            for r in store.query(
                "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'src'"
            )
        }
        for table in _TABLES:
            if table in present:
                store.query(f"DROP TABLE {table}")
                store.query(f"CREATE VIEW {table} AS {_select(table)}")
        yield store
    finally:
        store.close()


def _select(table: str) -> str:
    if table == "articles":
        return _FILTERED_ARTICLES
    if table in ("findings", "claim_matches"):
        return _OF_KEPT_ARTICLES.format(table=table)
    return f"SELECT * FROM src.{table}"


@dataclass(frozen=True)
class ArticleRow:
    """One line of the article list."""

    id: str
    title: str
    outlet: str
    published: str
    lang: str
    n_words: int | None

    def to_dict(self) -> dict[str, Any]:
        return {k: "" if v is None else v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class ArticlePage:
    """A page of the article list and how many articles the whole list has."""

    total: int
    offset: int
    limit: int
    articles: tuple[ArticleRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "articles": [a.to_dict() for a in self.articles],
        }


def list_articles(store: Store, limit: int = 50, offset: int = 0) -> ArticlePage:
    """A page of the store's articles, newest first (undated last), with the total count."""
    total = int(store.query("SELECT count(*) FROM articles")[0][0])
    rows = store.query(
        "SELECT article_id, title, outlet, published, lang, n_words FROM articles "
        "ORDER BY published_date DESC NULLS LAST, article_id LIMIT ? OFFSET ?",
        [limit, offset],
    )
    items = tuple(
        ArticleRow(
            id=str(r[0]),
            title=r[1] or "",
            outlet=r[2] or "",
            published=r[3] or "",
            lang=r[4] or "",
            n_words=None if r[5] is None else int(r[5]),
        )
        for r in rows
    )
    return ArticlePage(total, offset, limit, items)


def latest_analysis(store: Store, article_id: str) -> Analysis | None:
    """The stored analysis of an article id (the latest run's), or None."""
    rows = store.query(
        "SELECT analysis FROM articles WHERE article_id = ? ORDER BY run_id DESC LIMIT 1", [article_id]
    )
    return Analysis.from_dict(json.loads(rows[0][0])) if rows else None


@dataclass(frozen=True)
class Facets:
    """The values a filter form offers, most frequent first."""

    outlet: tuple[str, ...] = ()
    lang: tuple[str, ...] = ()
    label: tuple[str, ...] = ()


def facets(store: Store) -> Facets:
    """The store's outlets, languages and document labels (not entity roles), most frequent first."""

    def values(column: str, sql: str) -> tuple[str, ...]:
        return tuple(str(r[0]) for r in store.query(sql, [FACET_CAPS[column]]) if r[0])

    return Facets(
        outlet=values("outlet", "SELECT outlet FROM articles GROUP BY outlet ORDER BY count(*) DESC LIMIT ?"),
        lang=values("lang", "SELECT lang FROM articles GROUP BY lang ORDER BY count(*) DESC LIMIT ?"),
        label=values(
            "label",
            "SELECT label FROM findings WHERE entity IS NULL GROUP BY label ORDER BY count(*) DESC LIMIT ?",
        ),
    )
