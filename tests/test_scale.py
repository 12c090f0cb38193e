"""The Ray engine on a local Ray cluster: the same store rows as the local engine, and a failed task
retried without losing or duplicating documents. One cluster for the module, shut down at the end."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from click.testing import CliRunner

from narrascope.cli import main
from narrascope.pipeline import Outcome
from narrascope.scale import (
    AnalyzeBatch,
    RayOptions,
    analyze_on_ray,
    articles_table,
    length_blocks,
    outcomes_table,
    row_outcome,
    table_articles,
)
from narrascope.store import Store
from narrascope.types import Analysis, Article, DocumentError

DETECTORS = ["genre", "frames"]

SENTENCES = [
    "The minister said the new tax would protect families from rising prices.",
    "Critics warned that the plan was a disaster and would destroy jobs across the country.",
    "Police arrested three men after the protest turned violent on Sunday evening.",
    "Scientists published a study showing that the river had been polluted for a decade.",
    "The opposition leader called the government corrupt and demanded new elections.",
    "Farmers blocked the motorway to protest against cheap imports and falling incomes.",
    "In my view, only a fool would believe the official story about the blackout.",
]


def _records() -> list[dict[str, Any]]:
    recs: list[dict[str, Any]] = []
    for i in range(12):
        body = " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(1 + i % 5))
        recs.append(
            {
                "id": f"doc{i}",
                "text": body,
                "outlet": f"outlet{i % 3}",
                "published": f"2024-03-{i + 1:02d}",
                "section": "world" if i % 2 else "politics",
            }
        )
    recs.append({"id": "empty", "text": "   "})  # an input error
    recs.append(dict(recs[0]))  # a repeated document: skipped
    return recs


def _write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[None]:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_jsonl(tmp_path_factory.mktemp("scale") / "in.jsonl", _records())


@pytest.fixture(scope="module")
def local_db(corpus: Path) -> Path:
    from narrascope.corpus import analyze_corpus

    db = corpus.parent / "local.duckdb"
    analyze_corpus([corpus], db, detectors=DETECTORS, progress=False)
    return db


def _rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Store(db, read_only=True) as store:
        return {
            "articles": store.query(
                "SELECT article_id, content_hash, versions_key, source, url, outlet, published, "
                "published_date, title, lang, n_chars, n_words, meta, text, analysis "
                "FROM articles ORDER BY article_id"
            ),
            "findings": store.query(
                'SELECT article_id, content_hash, detector, task, label, score, start, "end", entity, attrs '
                "FROM findings ORDER BY ALL"
            ),
            "errors": store.query("SELECT source, problem FROM errors ORDER BY ALL"),
            "runs": store.query("SELECT n_analyzed, n_skipped, n_errors, status FROM runs"),
        }


def test_rows_round_trip() -> None:
    articles = [
        Article(text="One. Two.", id="a", outlet="o", meta=(("k", "v"),)),
        Article(text="Longer text."),
    ]
    assert table_articles(articles_table(articles)) == articles
    blocks = length_blocks(articles, 1)
    assert [len(b) for b in blocks] == [1, 1] and table_articles(blocks[0])[0].text == "Longer text."
    err = DocumentError("in.jsonl:3", "empty document")
    table = outcomes_table(articles[:1], [Outcome(error=err)])
    assert row_outcome(table.to_pylist()[0]) == err


def test_ray_matches_local_engine(ray_cluster: None, corpus: Path, local_db: Path) -> None:
    db = corpus.parent / "ray.duckdb"
    summary = analyze_on_ray([corpus], db, detectors=DETECTORS, options=RayOptions(workers=2, block_rows=3))
    assert (summary.analyzed, summary.skipped, summary.errors) == (12, 1, 1)
    local, remote = _rows(local_db), _rows(db)
    assert remote["articles"] == local["articles"]
    assert remote["findings"] == local["findings"] and local["findings"]
    assert remote["errors"] == local["errors"]
    assert remote["runs"] == local["runs"]
    # the CLI joins the Ray of this process; a re-run skips what is stored (and fails the empty input again)
    args = [
        "corpus",
        "analyze",
        str(corpus),
        "--db",
        str(db),
        "--engine",
        "ray",
        "--detectors",
        "genre,frames",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and "0 analysed, 13 already stored, 1 failed" in result.output


def _flaky(crash_flag: Path, raise_flag: Path) -> type[AnalyzeBatch]:
    """An actor that dies (process exit) on its first batch holding doc3 and raises on its first batch
    holding doc8; flag files remember across processes that each failure happened once."""

    class Flaky(AnalyzeBatch):
        def __call__(self, batch: pa.Table) -> pa.Table:
            ids = set(batch.column("id").to_pylist())
            if "doc3" in ids and not crash_flag.exists():
                crash_flag.touch()
                os._exit(1)
            if "doc8" in ids and not raise_flag.exists():
                raise_flag.touch()
                raise RuntimeError("injected failure")
            return super().__call__(batch)

    return Flaky


def test_failed_tasks_retried_without_loss_or_duplicates(
    ray_cluster: None, corpus: Path, local_db: Path, tmp_path: Path
) -> None:
    crash_flag, raise_flag = tmp_path / "crashed", tmp_path / "raised"
    options = RayOptions(
        workers=2, block_rows=2, actor=_flaky(crash_flag, raise_flag), output=tmp_path / "parts"
    )
    summary = analyze_on_ray([corpus], tmp_path / "r.duckdb", detectors=DETECTORS, options=options)
    assert crash_flag.exists() and raise_flag.exists()
    assert (summary.analyzed, summary.skipped, summary.errors) == (12, 1, 1)
    rows = _rows(tmp_path / "r.duckdb")
    ids = [r[0] for r in rows["articles"]]
    assert ids == sorted({f"doc{i}" for i in range(12)})
    assert rows["articles"] == _rows(local_db)["articles"]
    parts = sorted((tmp_path / "parts").glob("*.parquet"))
    assert parts and all(isinstance(row_outcome(r), Analysis | DocumentError) for r in _part_rows(parts))


def _part_rows(parts: list[Path]) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return [r for p in parts for r in pq.read_table(p).to_pylist()]
