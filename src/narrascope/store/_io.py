"""Export a store to CSV, Parquet or JSONL (metadata columns kept); ``ingest`` reads the articles back."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from narrascope.store._store import Store

FORMATS = ("csv", "parquet", "jsonl")
_BASE = ("id", "text", "url", "outlet", "published", "title", "lang", "source")
_COPY_OPTIONS = {"csv": "FORMAT csv, HEADER", "parquet": "FORMAT parquet", "jsonl": "FORMAT json"}


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: one file per table, and the number of rows of each."""

    folder: Path
    files: dict[str, Path]
    rows: dict[str, int]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def meta_keys(store: Store) -> list[str]:
    """Every metadata key found in the stored articles, sorted (base columns excluded)."""
    rows = store.query("SELECT DISTINCT unnest(json_keys(meta)) FROM articles")
    return sorted(str(r[0]) for r in rows if str(r[0]) not in _BASE)


def _articles_sql(store: Store, fmt: str) -> str:
    meta = ", ".join(f"json_extract_string(meta, {_json_path(k)}) AS {_q(k)}" for k in meta_keys(store))
    analysis = "analysis::JSON AS analysis" if fmt == "jsonl" else None
    cols = [
        "article_id AS id",
        "text",
        "url",
        "outlet",
        "published",
        "title",
        "lang",
        "source",
        "content_hash",
        "n_words",
        "run_id",
    ]
    cols += [c for c in (meta, analysis) if c]
    return f"SELECT {', '.join(cols)} FROM articles ORDER BY published_date NULLS LAST, article_id"


def _json_path(key: str) -> str:
    return "'$." + json.dumps(key).replace("'", "''") + "'"


def export_corpus(store: Store, fmt: str, out: str | Path) -> ExportSummary:
    """Write ``articles``, ``findings``, ``errors``, ``runs`` and ``claim_matches`` as ``OUT/<table>.<fmt>``.

    The articles file keeps every metadata column, and reads back as input (``id``, ``text``, metadata).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    attrs = "attrs::JSON AS attrs" if fmt == "jsonl" else "attrs"
    queries = {
        "articles": _articles_sql(store, fmt),
        "findings": 'SELECT article_id, content_hash, detector, task, label, score, start, "end", entity, '
        f"{attrs} "
        "FROM findings ORDER BY article_id, task, label, start NULLS FIRST",
        "errors": "SELECT * FROM errors ORDER BY run_id, recorded_at",
        "runs": "SELECT * FROM runs ORDER BY run_id",
        "claim_matches": "SELECT * FROM claim_matches ORDER BY claim_id, article_id, start",
    }
    files: dict[str, Path] = {}
    rows: dict[str, int] = {}
    for table, sql in queries.items():
        path = folder / f"{table}.{fmt}"
        literal = "'" + str(path).replace("'", "''") + "'"
        store.con.execute(f"COPY ({sql}) TO {literal} ({_COPY_OPTIONS[fmt]})")
        files[table] = path
        counted = store.query(f"SELECT count(*) FROM ({sql})")
        rows[table] = int(counted[0][0])
    return ExportSummary(folder, files, rows)
