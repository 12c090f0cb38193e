"""Corpus analysis on small synthetic corpora written here: analytics with known counts, near-duplicates,
known claims, export round trip and the report. Detectors are tiny keyword detectors registered through the
same registry as the built-ins, so the numbers are exact and the tests fast."""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from narrascope.analyze.base import Features, register
from narrascope.types import DetectorResult, Document, Finding

ROOT = Path(__file__).resolve().parents[1]


class _Keywords:
    """Test detector: fixed keyword rules per task. ``kind`` is doc (narrative-like), span or entity."""

    requires: tuple[str, ...] = ()

    def __init__(self, name: str, kind: str, rules: dict[str, str], delay: float = 0.0) -> None:
        self.name, self.task, self.kind, self.rules = name, name.split(".")[0], kind, rules
        self.model_version = f"{self.task}-test-1"
        self.delay = delay

    def _findings(self, text: str) -> list[Finding]:
        low = text.lower()
        if self.kind == "doc":
            level = (("level", "narrative"),)
            return [Finding(lab, 0.9, attrs=level) for w, lab in self.rules.items() if w in low]
        out = []
        for word, lab in self.rules.items():
            for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE):
                attrs = (("entity", m.group(0)), ("main_role", lab)) if self.kind == "entity" else ()
                out.append(
                    Finding(
                        m.group(0) if self.kind == "entity" else lab, 0.8, m.start(), m.end(), attrs=attrs
                    )
                )
        return out

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        if self.delay:
            marker = os.environ.get("NARRASCOPE_TEST_MARKER")
            if marker:
                with open(marker, "a") as f:
                    f.write(f"{len(docs)}\n")
            time.sleep(self.delay)
        return [DetectorResult(self.name, self.model_version, tuple(self._findings(d.text))) for d in docs]


def register_test_detectors() -> None:
    register("themes.v1")(lambda: _Keywords("themes.v1", "doc", {"war": "War", "energy": "Energy"}))
    register("spans.v1")(lambda: _Keywords("spans.v1", "span", {"traitor": "Name_Calling"}))
    register("roles.v1")(lambda: _Keywords("roles.v1", "entity", {"nato": "Antagonist"}))
    register("slow.v1")(lambda: _Keywords("slow.v1", "doc", {"war": "War"}, delay=0.4))


register_test_detectors()
DETECTORS = ("themes", "spans", "roles")


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


SMALL = [
    {
        "id": "a1",
        "outlet": "A",
        "published": "2024-03-04",
        "author": "Ann",
        "url": "https://a.example/1",
        "text": "The war goes on. The traitor spoke to a traitor. NATO answered late.",
    },
    {
        "id": "a2",
        "outlet": "A",
        "published": "2024-03-05",
        "author": "Bo",
        "text": "Energy prices rose again.",
    },
    {
        "id": "b3",
        "outlet": "B",
        "published": "2024-03-12",
        "author": "Cy",
        "text": "The war hurts energy supplies. A traitor, they say.",
    },
    {"id": "b4", "outlet": "B", "published": "2024-03-13", "text": "War news from the front today."},
    {"id": "b5", "outlet": "B", "published": "2024-02-05", "text": "Energy bills are due in winter."},
]


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from narrascope.corpus import analyze_corpus

    folder = tmp_path_factory.mktemp("small")
    src = write_jsonl(folder / "in.jsonl", [*SMALL, {"id": "bad", "outlet": "B", "text": ""}])
    summary = analyze_corpus([src], folder / "c.duckdb", detectors=DETECTORS, progress=False)
    assert (summary.analyzed, summary.skipped, summary.errors) == (5, 0, 1)
    return folder / "c.duckdb"


def _words(ids: set[str]) -> int:
    return sum(len(r["text"].split()) for r in SMALL if r["id"] in ids)


def test_prevalence_by_outlet_exact(small_db: Path) -> None:
    from narrascope.corpus import prevalence
    from narrascope.store import Store

    with Store(small_db, read_only=True) as store:
        rows = {(r.group, r.task, r.label): r for r in prevalence(store, "outlet")}
    assert set(rows) == {
        ("A", "themes", "War"),
        ("A", "themes", "Energy"),
        ("B", "themes", "War"),
        ("B", "themes", "Energy"),
        ("A", "spans", "Name_Calling"),
        ("B", "spans", "Name_Calling"),
    }
    war_b = rows[("B", "themes", "War")]
    assert (war_b.articles, war_b.group_articles, war_b.group_words) == (2, 3, _words({"b3", "b4", "b5"}))
    assert war_b.share == pytest.approx(2 / 3)
    nc_a = rows[("A", "spans", "Name_Calling")]
    assert (nc_a.articles, nc_a.findings) == (1, 2)
    assert nc_a.per_1k_words == pytest.approx(2000 / _words({"a1", "a2"}))


def test_prevalence_by_week_and_trends_exact(small_db: Path) -> None:
    from narrascope.corpus import prevalence, trends
    from narrascope.store import Store

    with Store(small_db, read_only=True) as store:
        weeks = {(r.group, r.label): r.articles for r in prevalence(store, "week", task="themes")}
        rising = trends(store)
    assert weeks == {
        ("2024-W10", "War"): 1,
        ("2024-W10", "Energy"): 1,
        ("2024-W11", "War"): 2,
        ("2024-W11", "Energy"): 1,
        ("2024-W06", "Energy"): 1,
    }
    top = rising[0]
    assert (top.task, top.label, top.week) == ("themes", "War", "2024-W11")
    assert (top.share_now, top.share_before, top.change) == (1.0, 0.5, 0.5)
    energy = next(t for t in rising if t.label == "Energy")
    assert (energy.articles_now, energy.articles_before, energy.change) == (1, 1, 0.0)


def test_cooccurrence_entity_roles_stats(small_db: Path) -> None:
    from narrascope.corpus import cooccurrence, corpus_stats, entity_roles
    from narrascope.store import Store

    with Store(small_db, read_only=True) as store:
        pairs = cooccurrence(store, "themes")
        roles = entity_roles(store)
        stats = corpus_stats(store)
        errors = store.query("SELECT source, problem FROM errors")
    assert [(p.label_a, p.label_b, p.articles) for p in pairs] == [("Energy", "War", 1)]
    assert pairs[0].jaccard == pytest.approx(1 / 5)
    assert [(r.outlet, r.entity, r.main_role, r.mentions) for r in roles] == [("A", "NATO", "Antagonist", 1)]
    assert (stats.articles, stats.outlets, stats.errors, str(stats.first_date)) == (5, 2, 1, "2024-02-05")
    assert len(errors) == 1 and "empty" in errors[0][1]


def test_rerun_skips_and_new_versions_replace(tmp_path: Path) -> None:
    from narrascope.corpus import analyze_corpus
    from narrascope.store import Store

    src = write_jsonl(tmp_path / "in.jsonl", SMALL + SMALL[:2])  # two repeats within the input
    db = tmp_path / "c.duckdb"
    first = analyze_corpus([src], db, detectors=["themes"], progress=False)
    again = analyze_corpus([src], db, detectors=["themes"], progress=False)
    other = analyze_corpus([src], db, detectors=["themes", "spans"], progress=False)
    assert (first.analyzed, first.skipped) == (5, 2)
    assert (again.analyzed, again.skipped) == (0, 7)
    assert (other.analyzed, other.skipped) == (5, 2)
    with Store(db, read_only=True) as store:
        assert store.query("SELECT count(*), count(DISTINCT versions_key) FROM articles")[0] == (5, 1)
        assert store.query("SELECT count(*) FROM findings WHERE task = 'spans'")[0][0] == 3
        assert store.query("SELECT count(*) FROM runs WHERE status = 'finished'")[0][0] == 3


def _vocab_text(seed: int, n: int = 160) -> str:
    rng = random.Random(seed)
    vocab = [f"w{seed}x{i}" if i % 3 else f"common{i}" for i in range(300)]
    words = [rng.choice(vocab) for _ in range(n)]
    return " ".join(" ".join(words[i : i + 12]) + "." for i in range(0, n, 12))


def test_near_duplicates_cluster_and_first_publisher(tmp_path: Path) -> None:
    from narrascope.corpus import analyze_corpus, near_duplicates
    from narrascope.store import Store

    base = _vocab_text(7)
    words = base.split()
    edited = [
        " ".join([*words[:40], "inserted", "phrase", *words[40:]]),
        " ".join(words[3:]) + " Extra end.",
        base.replace(words[20], "changed", 1),
    ]
    records = [
        {"id": "copy-c", "outlet": "C", "published": "2024-05-02T08:00:00", "text": edited[1]},
        {"id": "orig", "outlet": "Origin", "published": "2024-05-01T06:00:00", "text": base},
        {"id": "copy-b", "outlet": "B", "published": "2024-05-01T09:30:00", "text": edited[0]},
        {"id": "copy-d", "outlet": "D", "published": "2024-05-03T06:00:00", "text": edited[2]},
    ] + [
        {"id": f"other{i}", "outlet": "E", "published": "2024-05-01", "text": _vocab_text(100 + i)}
        for i in range(12)
    ]
    db = tmp_path / "d.duckdb"
    analyze_corpus([write_jsonl(tmp_path / "in.jsonl", records)], db, detectors=["themes"], progress=False)
    with Store(db, read_only=True) as store:
        clusters = near_duplicates(store)
    assert len(clusters) == 1
    c = clusters[0]
    assert c.first.article_id == "orig" and c.first.outlet == "Origin"
    assert [m.article_id for m in c.members] == ["orig", "copy-b", "copy-c", "copy-d"]
    assert [m.lag_hours for m in c.members] == [0.0, 3.5, 26.0, 48.0]
    assert all(m.similarity >= 0.7 for m in c.members)


def test_read_claims_formats(tmp_path: Path) -> None:
    from narrascope.corpus import read_claims

    plain = tmp_path / "claims.csv"
    plain.write_text('id,claim,date,url\nc1,"The moon is made of cheese",2020-01-01,https://x.example/c1\n')
    got = [(c.id, c.claim, c.date) for c in read_claims(plain)]
    assert got == [("c1", "The moon is made of cheese", "2020-01-01")]
    eu = tmp_path / "posts.csv"  # the EUvsDisinfo export layout, with a claim written here
    eu.write_text(
        "date,id,title,countries,keywords,languages,outlets\n"
        "2021-02-18,https://euvsdisinfo.eu/report/moon-cheese/,"
        "The moon is cheese,X,Y,English,Z\n"
    )
    assert [(c.id, c.claim, c.url) for c in read_claims(eu)] == [
        ("moon-cheese", "The moon is cheese", "https://euvsdisinfo.eu/report/moon-cheese/")
    ]


def test_read_claims_real_euvsdisinfo_export() -> None:
    from narrascope.corpus import read_claims

    posts = ROOT.parent / "shared" / "datasets" / "euvsdisinfo_cknabs_2021" / "posts.csv"
    if not posts.exists():
        pytest.skip(f"EUvsDisinfo export not found at {posts}")
    claims = read_claims(posts)
    assert len(claims) > 10_000 and all(c.id and c.claim and c.url.startswith("https://") for c in claims)


def test_match_claims_finds_planted_sentence(small_db: Path, tmp_path: Path) -> None:
    from narrascope.corpus import (
        analyze_corpus,
        match_claims,
        read_claims,
        recurring_claims,
        stored_matches,
        write_report,
    )
    from narrascope.store import Store

    claims_csv = tmp_path / "claims.csv"
    claims_csv.write_text(
        "id,claim,date,url\nk1,Energy prices rose again this year,2024-01-01,\n"
        "k2,Penguins can fly over the Sahara desert,2024-01-01,\n"
    )
    db = tmp_path / "m.duckdb"
    analyze_corpus([write_jsonl(tmp_path / "in.jsonl", SMALL)], db, detectors=["themes"], progress=False)
    with Store(db) as store:
        matches = match_claims(store, read_claims(claims_csv), threshold=0.7)
        saved = stored_matches(store)
        by_outlet = recurring_claims(store, "outlet")
        by_week = recurring_claims(store, "week")
    assert [(r.group, r.claim_id, r.articles, r.sentences) for r in by_outlet] == [("A", "k1", 1, 1)]
    assert [(r.group, r.claim) for r in by_week] == [("2024-W10", "Energy prices rose again this year")]
    report = write_report(db, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Recurring claims by outlet" in report and "Recurring claims by week" in report
    assert matches and matches[0].claim_id == "k1" and matches[0].article_id == "a2"
    assert matches[0].sentence == "Energy prices rose again." and matches[0].score >= 0.7
    assert all(m.claim_id != "k2" for m in matches)
    assert [(m.claim_id, m.article_id) for m in saved] == [(m.claim_id, m.article_id) for m in matches]


@pytest.mark.parametrize("fmt", ["csv", "parquet", "jsonl"])
def test_export_round_trip_keeps_metadata(small_db: Path, tmp_path: Path, fmt: str) -> None:
    from narrascope.corpus import export, iter_inputs

    summary = export(small_db, fmt, tmp_path / "out")
    assert summary.rows["articles"] == 5 and summary.rows["findings"] > 0 and summary.rows["errors"] == 1
    back = {a.id: a for a in iter_inputs([summary.files["articles"]]) if not isinstance(a, Exception)}
    assert set(back) == {r["id"] for r in SMALL}
    for r in SMALL:
        a = back[r["id"]]
        assert (a.text, a.outlet, a.published) == (r["text"], r["outlet"], r["published"])
        assert dict(a.meta).get("author", "") == r.get("author", "")
        assert a.url == r.get("url", "")


def test_report_has_charts_and_tables(small_db: Path, tmp_path: Path) -> None:
    from narrascope.corpus import write_report

    html = write_report(small_db, tmp_path / "r.html").read_text(encoding="utf-8")
    for kind in ("line", "heatmap", "bar"):
        assert f'data-kind="{kind}"' in html
    figures = html.split("<figure")[1:]
    assert len(figures) == 6  # themes and spans: time series, heatmap, distribution each
    for fig in figures:
        assert "</svg>" in fig and '<table class="data">' in fig.split("</figure>")[1].split("<figure")[0]
    assert "NATO" in html and "Antagonist" in html  # entity roles table
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_report_duplicates_timeline(tmp_path: Path) -> None:
    from narrascope.corpus import analyze_corpus, write_report

    base = _vocab_text(3)
    recs = [
        {"id": "x", "outlet": "X", "published": "2024-01-01", "text": base},
        {"id": "y", "outlet": "Y", "published": "2024-01-02", "text": base + " More."},
    ]
    db = tmp_path / "t.duckdb"
    analyze_corpus([write_jsonl(tmp_path / "in.jsonl", recs)], db, detectors=["themes"], progress=False)
    html = write_report(db, tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'data-kind="timeline"' in html and "<td>first</td>" in html


def test_cli_corpus_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from narrascope.cli import main

    src = write_jsonl(tmp_path / "in.jsonl", SMALL)
    db = tmp_path / "cli.duckdb"
    runner = CliRunner()
    res = runner.invoke(main, ["corpus", "analyze", str(src), "--db", str(db), "--detectors", "themes"])
    assert res.exit_code == 0, res.output
    assert "5 analysed" in res.output
    res = runner.invoke(main, ["corpus", "report", "--db", str(db), "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 0 and (tmp_path / "r.html").exists()
    res = runner.invoke(
        main, ["corpus", "export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "e")]
    )
    assert res.exit_code == 0 and (tmp_path / "e" / "articles.csv").exists()


CHROMIUM = Path("/usr/bin/chromium")


def _browser_reason() -> str:
    if not CHROMIUM.exists():
        return f"no Debian chromium at {CHROMIUM}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the python playwright package is not installed"
    return ""


@pytest.mark.browser
@pytest.mark.skipif(bool(_browser_reason()), reason=_browser_reason() or "browser available")
def test_report_renders_in_chromium(small_db: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    from narrascope.corpus import write_report

    page_file = write_report(small_db, tmp_path / "report.html")
    shot = tmp_path / "corpus-report.png"  # the README's copy comes from bench/corpus.py --report
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(page_file.as_uri())
            boxes = page.eval_on_selector_all(
                "svg.chart",
                "els => els.map(e => [e.dataset.kind, e.getBoundingClientRect().width, "
                "e.getBoundingClientRect().height, e.querySelectorAll('polyline,rect,circle').length])",
            )
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert {b[0] for b in boxes} >= {"line", "heatmap", "bar"}
    assert all(w > 100 and h > 20 and n > 0 for _, w, h, n in boxes), boxes
    assert shot.stat().st_size > 10_000
