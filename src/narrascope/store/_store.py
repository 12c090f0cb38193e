"""The DuckDB store: one writer, small transactions, analysis JSON plus flat findings rows for analytics."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from narrascope.store._schema import migrate
from narrascope.types import Analysis, DocumentError, Finding

DEFAULT_DB = "narrascope.duckdb"
Key = tuple[str, str]  # (article_id, content_hash)

_ARTICLE_COLUMNS = (
    "article_id",
    "content_hash",
    "versions_key",
    "run_id",
    "source",
    "url",
    "outlet",
    "published",
    "published_date",
    "title",
    "lang",
    "n_chars",
    "n_words",
    "meta",
    "text",
    "analysis",
)
_FINDING_COLUMNS = (
    "article_id",
    "content_hash",
    "detector",
    "task",
    "label",
    "score",
    "start",
    "end",
    "entity",
    "attrs",
)


@dataclass(frozen=True)
class RunInfo:
    """One row of the ``runs`` table."""

    run_id: int
    status: str
    model_versions: dict[str, str]
    n_analyzed: int
    n_skipped: int
    n_errors: int


def versions_key(model_versions: Mapping[str, str]) -> str:
    """A short stable key of a run's detectors and model versions."""
    raw = json.dumps(dict(sorted(model_versions.items())), sort_keys=True)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def parse_date(published: str) -> date | None:
    """The calendar date of an ISO-like ``published`` value (``2024-03-05``,
    ``2024-03-05T10:00Z``), or None."""
    try:
        return date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def entity_of(f: Finding, text: str) -> str | None:
    """The entity an entity finding (attrs ``main_role``) is about; None for other findings."""
    if not f.attr("main_role"):
        return None
    if f.attr("entity"):
        return f.attr("entity")
    if f.start is not None and f.end is not None and f.end > f.start:
        return text[f.start : f.end]
    return f.label


MEMORY_LIMIT = "512MB"  # DuckDB buffer pool of a Store


class Store:
    """A corpus in one DuckDB file. Opening it applies the missing schema migrations (unless read-only).

    One writer at a time: DuckDB locks the file for the process that holds it open for writing.
    """

    def __init__(
        self, path: str | Path = DEFAULT_DB, *, read_only: bool = False, memory_limit: str = MEMORY_LIMIT
    ) -> None:
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # DuckDB's buffer pool defaults to 80% of the machine's memory; a store beside the models gets a
        # fixed share, so a long corpus run's memory stays bounded (DuckDB spills to disk beyond it).
        self.con = duckdb.connect(str(self.path), read_only=read_only, config={"memory_limit": memory_limit})
        if not read_only:
            migrate(self.con)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """All rows of one SQL query (fetched in full: DuckDB refuses other work on a connection while a
        result is pending)."""
        return self.con.execute(sql, list(params)).fetchall()

    def start_run(self, model_versions: Mapping[str, str], engine: str, inputs: Sequence[str]) -> int:
        rows = self.con.execute(
            "INSERT INTO runs (started_at, status, engine, inputs, model_versions, versions_key) "
            "VALUES (current_timestamp::TIMESTAMP, 'running', ?, ?, ?, ?) RETURNING run_id",
            [
                engine,
                json.dumps(list(inputs)),
                json.dumps(dict(model_versions), sort_keys=True),
                versions_key(model_versions),
            ],
        ).fetchall()
        return int(rows[0][0])

    def finish_run(self, run_id: int, status: str = "finished") -> RunInfo:
        self.con.execute(
            "UPDATE runs SET finished_at = current_timestamp::TIMESTAMP, status = ? WHERE run_id = ?",
            [status, run_id],
        )
        return self.run_info(run_id)

    def run_info(self, run_id: int) -> RunInfo:
        rows = self.query(
            "SELECT run_id, status, model_versions, n_analyzed, n_skipped, n_errors "
            "FROM runs WHERE run_id = ?",
            [run_id],
        )
        if not rows:
            raise KeyError(f"no run {run_id} in {self.path}")
        row = rows[0]
        return RunInfo(int(row[0]), str(row[1]), json.loads(row[2]), int(row[3]), int(row[4]), int(row[5]))

    def stored(self, keys: Iterable[Key], vkey: str) -> set[Key]:
        """Which of ``keys`` are stored already, analysed with the model versions of ``vkey``."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return set()
        table = pa.table({"article_id": [k[0] for k in wanted], "content_hash": [k[1] for k in wanted]})
        self.con.register("_wanted", table)
        try:
            rows = self.con.execute(
                "SELECT a.article_id, a.content_hash FROM articles a JOIN _wanted w "
                "USING (article_id, content_hash) WHERE a.versions_key = ?",
                [vkey],
            ).fetchall()
        finally:
            self.con.unregister("_wanted")
        return {(str(r[0]), str(r[1])) for r in rows}

    def write_batch(
        self,
        run_id: int,
        vkey: str,
        analyses: Sequence[Analysis],
        errors: Sequence[DocumentError],
        skipped: int,
    ) -> None:
        """Store a batch of outcomes and the run's counts in ONE transaction: all of it or none of it."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            if analyses:
                self._insert_analyses(run_id, vkey, analyses)
            for err in errors:
                self.con.execute(
                    "INSERT INTO errors VALUES (?, ?, ?, current_timestamp::TIMESTAMP)",
                    [run_id, err.source, err.problem],
                )
            self.con.execute(
                "UPDATE runs SET n_analyzed = n_analyzed + ?, n_skipped = n_skipped + ?, "
                "n_errors = n_errors + ? WHERE run_id = ?",
                [len(analyses), skipped, len(errors), run_id],
            )
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise

    def _insert_analyses(self, run_id: int, vkey: str, analyses: Sequence[Analysis]) -> None:
        arts = pa.Table.from_pylist([_article_row(a, run_id, vkey) for a in analyses])
        finds = pa.Table.from_pylist(
            [row for a in analyses for row in _finding_rows(a)], schema=_FINDINGS_SCHEMA
        )
        self.con.register("_arts", arts)
        self.con.register("_finds", finds)
        try:  # a document analysed before with other model versions is replaced
            self.con.execute(
                "DELETE FROM findings f USING _arts a "
                "WHERE f.article_id = a.article_id AND f.content_hash = a.content_hash"
            )
            self.con.execute(
                "DELETE FROM articles t USING _arts a "
                "WHERE t.article_id = a.article_id AND t.content_hash = a.content_hash"
            )
            cols = ", ".join(f'"{c}"' for c in _ARTICLE_COLUMNS)
            self.con.execute(f"INSERT INTO articles ({cols}) SELECT {cols} FROM _arts")
            cols = ", ".join(f'"{c}"' for c in _FINDING_COLUMNS)
            self.con.execute(f"INSERT INTO findings ({cols}) SELECT {cols} FROM _finds")
        finally:
            self.con.unregister("_arts")
            self.con.unregister("_finds")


_FINDINGS_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("detector", pa.string()),
        ("task", pa.string()),
        ("label", pa.string()),
        ("score", pa.float64()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("entity", pa.string()),
        ("attrs", pa.string()),
    ]
)


def _article_row(a: Analysis, run_id: int, vkey: str) -> dict[str, Any]:
    art = a.document.article
    return {
        "article_id": art.id,
        "content_hash": art.content_hash,
        "versions_key": vkey,
        "run_id": run_id,
        "source": art.source,
        "url": art.url,
        "outlet": art.outlet,
        "published": art.published,
        "published_date": parse_date(art.published),
        "title": art.title,
        "lang": a.document.lang or art.lang,
        "n_chars": len(art.text),
        "n_words": len(art.text.split()),
        "meta": json.dumps(dict(art.meta), ensure_ascii=False, sort_keys=True),
        "text": art.text,
        "analysis": json.dumps(a.to_dict(), ensure_ascii=False),
    }


def _finding_rows(a: Analysis) -> list[dict[str, Any]]:
    art = a.document.article
    return [
        {
            "article_id": art.id,
            "content_hash": art.content_hash,
            "detector": r.detector,
            "task": r.task,
            "label": f.label,
            "score": float(f.score),
            "start": f.start,
            "end": f.end,
            "entity": entity_of(f, art.text),
            "attrs": json.dumps(dict(f.attrs), ensure_ascii=False, sort_keys=True),
        }
        for r in a.results
        for f in r.findings
    ]
