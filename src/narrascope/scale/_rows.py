"""Arrow rows in and out of the Ray job: articles going in, analyses (or errors) coming out.

Pure conversions, no Ray: the input schema carries every ``Article`` field (metadata as a JSON object), the
output schema carries the article's metadata, its content hash and the analysis JSON, or the error.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import pyarrow as pa

from narrascope.pipeline import Outcome
from narrascope.types import Analysis, Article, DocumentError

_TEXT_FIELDS = tuple(f.name for f in fields(Article) if f.name != "meta")

ARTICLE_SCHEMA = pa.schema([(name, pa.string()) for name in _TEXT_FIELDS] + [("meta", pa.string())])

RESULT_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("source", pa.string()),
        ("url", pa.string()),
        ("outlet", pa.string()),
        ("published", pa.string()),
        ("title", pa.string()),
        ("lang", pa.string()),
        ("n_chars", pa.int64()),
        ("analysis", pa.string()),  # the analysis JSON; null when the document failed
        ("error", pa.string()),  # what went wrong, in words; null when analysed
    ]
)


def articles_table(articles: Sequence[Article]) -> pa.Table:
    """One row per article, every field kept (``meta`` as a JSON object)."""
    rows = [
        {
            **{name: getattr(a, name) for name in _TEXT_FIELDS},
            "meta": json.dumps(dict(a.meta), sort_keys=True),
        }
        for a in articles
    ]
    return pa.Table.from_pylist(rows, schema=ARTICLE_SCHEMA)


def table_articles(table: pa.Table) -> list[Article]:
    """The articles of an ``articles_table`` (the exact values that went in)."""
    out: list[Article] = []
    for row in table.to_pylist():
        meta = json.loads(row.pop("meta") or "{}")
        out.append(Article.from_dict({**row, "meta": meta}))
    return out


def length_blocks(articles: Sequence[Article], block_rows: int) -> list[pa.Table]:
    """Articles sorted by length, longest first, cut into tables of ``block_rows``: every batch holds
    articles of similar length, and the longest start first so no worker is left with them at the end."""
    ordered = sorted(articles, key=lambda a: -len(a.text))
    size = max(1, block_rows)
    return [articles_table(ordered[i : i + size]) for i in range(0, len(ordered), size)]


def outcomes_table(articles: Sequence[Article], outcomes: Sequence[Outcome]) -> pa.Table:
    """One result row per article, in order: its metadata plus the analysis JSON or the error."""
    return pa.Table.from_pylist(
        [_result_row(a, o) for a, o in zip(articles, outcomes, strict=True)], schema=RESULT_SCHEMA
    )


def _result_row(article: Article, outcome: Outcome) -> dict[str, Any]:
    analysis, error = outcome.analysis, outcome.error
    return {
        "article_id": article.id,
        "content_hash": article.content_hash,
        "source": error.source if error is not None else article.source,
        "url": article.url,
        "outlet": article.outlet,
        "published": article.published,
        "title": article.title,
        "lang": analysis.document.lang if analysis is not None else article.lang,
        "n_chars": len(article.text),
        "analysis": json.dumps(analysis.to_dict(), ensure_ascii=False) if analysis is not None else None,
        "error": error.problem if error is not None else None,
    }


def row_outcome(row: dict[str, Any]) -> Analysis | DocumentError:
    """A result row back as the value the store writes."""
    if row.get("analysis") is not None:
        return Analysis.from_dict(json.loads(row["analysis"]))
    return DocumentError(str(row.get("source") or row["article_id"]), str(row.get("error") or "failed"))
