"""The DuckDB store: numbered migrations recorded in the file, atomic batches, skip keys, Parquet input."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.store import LATEST, MIGRATIONS, Store, applied_versions, parse_date, versions_key
from narrascope.types import Analysis, Article, DetectorResult, Document, DocumentError, Finding, Span


def _analysis(aid: str, text: str, **meta: str) -> Analysis:
    whole = (Span(0, len(text)),)
    doc = Document(Article(text=text, id=aid, **meta), "en", 1.0, whole, whole)
    findings = (
        Finding("War", 0.9, attrs=(("level", "narrative"),)),
        Finding("Loaded_Language", 0.7, 0, 3),
        Finding("NATO", 0.8, 4, 8, attrs=(("main_role", "Antagonist"),)),
    )
    return Analysis(doc, (DetectorResult("narratives.v1", "m1", findings),))


def test_migrations_numbered_recorded_and_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST + 1))
    with Store(db) as store:
        assert applied_versions(store.con) == list(range(1, LATEST + 1))
        names = store.query("SELECT name FROM schema_migrations ORDER BY version")
        assert [n[0] for n in names] == [m.name for m in MIGRATIONS]
    with Store(db) as store:  # reopening applies nothing again
        assert store.query("SELECT count(*) FROM schema_migrations")[0][0] == LATEST


def test_write_batch_stores_analysis_and_flat_findings(tmp_path: Path) -> None:
    vkey = versions_key({"narratives.v1": "m1"})
    with Store(tmp_path / "s.duckdb") as store:
        run = store.start_run({"narratives.v1": "m1"}, "local", ["in.jsonl"])
        a = _analysis("x1", "Bad NATO plans.", outlet="O", published="2024-03-05T10:00:00Z")
        store.write_batch(run, vkey, [a], [DocumentError("in.jsonl:2", "empty document")], skipped=3)
        info = store.finish_run(run)
        assert (info.status, info.n_analyzed, info.n_skipped, info.n_errors) == ("finished", 1, 3, 1)
        row = store.query("SELECT outlet, published_date, n_words, analysis FROM articles")[0]
        assert (row[0], str(row[1]), row[2]) == ("O", "2024-03-05", 3)
        assert Analysis.from_dict(__import__("json").loads(row[3])) == a
        found = store.query('SELECT label, start, "end", entity FROM findings ORDER BY label')
        assert found == [("Loaded_Language", 0, 3, None), ("NATO", 4, 8, "NATO"), ("War", None, None, None)]
        assert store.stored([("x1", a.document.article.content_hash), ("x2", "h")], vkey) == {
            ("x1", a.document.article.content_hash)
        }
        assert store.stored([("x1", a.document.article.content_hash)], "other") == set()


def test_write_batch_is_atomic(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as store:
        run = store.start_run({}, "local", [])
        good = _analysis("g", "Good NATO text.")
        with pytest.raises(Exception):  # noqa: B017  (any failure must roll the whole batch back)
            store.write_batch(run, "k", [good], [DocumentError(None, "x")], 0)  # type: ignore[arg-type]
        assert store.query("SELECT count(*) FROM articles")[0][0] == 0
        assert store.run_info(run).n_analyzed == 0


def test_parse_date() -> None:
    assert str(parse_date("2024-03-05T10:00Z")) == "2024-03-05"
    assert parse_date("5 March 2024") is None and parse_date("") is None


def test_read_parquet_articles(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from narrascope.store import read_parquet_articles

    pq.write_table(
        pa.table({"id": ["p1", "p2"], "text": ["One text.", ""], "outlet": ["O", "O"]}),
        tmp_path / "in.parquet",
    )
    got = list(read_parquet_articles(tmp_path / "in.parquet"))
    assert isinstance(got[0], Article) and (got[0].id, got[0].outlet) == ("p1", "O")
    assert isinstance(got[1], DocumentError) and got[1].source.endswith("in.parquet:2")
    pq.write_table(pa.table({"body": ["x"]}), tmp_path / "bad.parquet")
    (err,) = read_parquet_articles(tmp_path / "bad.parquet")
    assert isinstance(err, DocumentError) and "no 'text' column" in err.problem


def test_store_bounds_duckdb_memory(tmp_path: Path) -> None:
    # DuckDB's default buffer pool is 80% of RAM; a long corpus run must not grow towards it
    with Store(tmp_path / "s.duckdb", memory_limit="64MB") as store:
        limit = store.query("SELECT current_setting('memory_limit')")[0][0]
    assert limit.endswith("MiB") and float(limit.split()[0]) <= 64
    with Store(tmp_path / "s.duckdb") as store:
        default = store.query("SELECT current_setting('memory_limit')")[0][0]
    assert default.endswith("MiB") and float(default.split()[0]) <= 512


def test_filtered_view_binds_the_filter_and_answers_the_corpus_queries(tmp_path: Path) -> None:
    from datetime import date

    from narrascope.store import CorpusFilter, facets, filtered_view, latest_analysis, list_articles

    db = tmp_path / "s.duckdb"
    with Store(db) as store:
        run = store.start_run({}, "local", [])
        rows = [
            _analysis("a", "Bad NATO plans.", outlet="O'Hara", published="2024-03-05"),
            _analysis("b", "More NATO plans.", outlet="Daily", published="2024-03-12"),
        ]
        store.write_batch(run, "k", rows, [], 0)
    with filtered_view(db) as view:
        assert [a.id for a in list_articles(view).articles] == ["b", "a"]  # newest first
        assert set(facets(view).outlet) == {"O'Hara", "Daily"}
        assert set(facets(view).label) == {"Loaded_Language", "War"}  # entity roles are not labels
        assert latest_analysis(view, "a") == rows[0] and latest_analysis(view, "nope") is None
    with filtered_view(db, CorpusFilter(outlet="O'Hara")) as view:  # a quote is a value, never SQL
        page = list_articles(view)
        assert (page.total, [a.id for a in page.articles]) == (1, ["a"])
        assert view.query("SELECT count(*) FROM findings")[0][0] == 3  # only the kept article's rows
    with filtered_view(db, CorpusFilter(since=date(2024, 3, 6), label="War")) as view:
        assert [a.to_dict()["id"] for a in list_articles(view).articles] == ["b"]
    with filtered_view(db, CorpusFilter(outlet="' OR 1=1 --")) as view:
        assert list_articles(view).total == 0
