"""The corpus report: ONE self-contained HTML file, inline SVG charts, each followed by its data table.

It renders a :class:`~narrascope.corpus.summary.CorpusSummary`, the value whose ``to_dict`` is the web
page's JSON twin: the page (``report_body`` and ``REPORT_CSS``, framed by the web app) and the twin list
the same rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

from narrascope.corpus import charts
from narrascope.corpus.analytics import UNDATED, Prevalence
from narrascope.corpus.claims import RecurringClaim
from narrascope.corpus.summary import CorpusSummary, TaskSummary, corpus_summary
from narrascope.report import esc
from narrascope.store import Store

TOP_LABELS = 8
REPORT_CSS = """body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;\
padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:1px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
figure{margin:1rem 0}figcaption{color:#555;font-size:.9rem}
table.data{border-collapse:collapse;font-size:.85rem;margin:.5rem 0 1.5rem}
table.data th,table.data td{border:1px solid #ddd;padding:2px 6px;text-align:left}
table.data th{background:#f4f4f4}details{margin-bottom:1rem}.note{color:#666}"""


def _figure(name: str, svg: str, caption: str, data: str) -> str:
    return (
        f'<figure data-chart="{esc(name)}">{svg}<figcaption>{esc(caption)}</figcaption></figure>'
        f"<details open><summary>Data</summary>{data}</details>"
    )


def _top_labels(rows: list[Prevalence]) -> list[str]:
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r.label] += r.articles
    return sorted(totals, key=lambda k: (-totals[k], k))[:TOP_LABELS]


def _week_range(weeks: list[str]) -> list[str]:
    """Every ISO week from the first to the last given, so weeks without articles show as zero."""
    first, last = (date.fromisocalendar(int(w[:4]), int(w[6:]), 1) for w in (weeks[0], weeks[-1]))
    out = []
    while first <= last:
        iso = first.isocalendar()
        out.append(f"{iso.year}-W{iso.week:02d}")
        first += timedelta(weeks=1)
    return out


def _time_series(task: str, rows: list[Prevalence]) -> str:
    dated = [r for r in rows if r.group != UNDATED]
    if not dated:
        return '<p class="note">No dated articles: no time series.</p>'
    weeks = _week_range(sorted({r.group for r in dated}))
    labels = _top_labels(dated)
    share = {(r.group, r.label): r.share for r in dated}
    series = {lab: [share.get((w, lab), 0.0) for w in weeks] for lab in labels}
    svg = charts.line_chart(f"{task} by week", weeks, series, "share of articles")
    data = charts.table(
        ["week", *labels], [[w, *[share.get((w, lab), 0.0) for lab in labels]] for w in weeks]
    )
    return _figure(
        f"{task}-weekly",
        svg,
        f"Share of articles with each of the top {len(labels)} labels, by ISO week.",
        data,
    )


def _heatmap(task: str, rows: list[Prevalence]) -> str:
    outlets = sorted({r.group for r in rows})
    labels = _top_labels(rows)
    share = {(r.group, r.label): r.share for r in rows}
    values = [[share.get((o, lab), 0.0) for lab in labels] for o in outlets]
    svg = charts.heatmap(f"outlet x {task}", outlets, labels, values)
    per_k = {(r.group, r.label): r.per_1k_words for r in rows}
    data = charts.table(
        ["outlet", "label", "share of articles", "per 1,000 words"],
        [[o, lab, share.get((o, lab), 0.0), per_k.get((o, lab), 0.0)] for o in outlets for lab in labels],
    )
    return _figure(f"{task}-outlets", svg, "Share of each outlet's articles with the label.", data)


def _distribution(task: str, rows: list[Prevalence]) -> str:
    counts: dict[str, int] = defaultdict(int)
    arts: dict[str, int] = defaultdict(int)
    for r in rows:
        counts[r.label] += r.findings
        arts[r.label] += r.articles
    labels = sorted(counts, key=lambda k: (-counts[k], k))
    svg = charts.bar_chart(f"{task} distribution", labels, [float(counts[k]) for k in labels])
    data = charts.table(["label", "findings", "articles"], [[k, counts[k], arts[k]] for k in labels])
    return _figure(f"{task}-distribution", svg, "Findings per label over the whole corpus.", data)


def _task_section(ts: TaskSummary) -> str:
    task, by_week, by_outlet = ts.task, list(ts.by_week), list(ts.by_outlet)
    parts = [
        f'<section id="task-{esc(task)}"><h2>{esc(task.capitalize())}</h2>',
        _time_series(task, by_week),
        _heatmap(task, by_outlet),
        _distribution(task, by_outlet),
    ]
    pairs = ts.cooccurrence
    if pairs:
        parts.append(
            "<h3>Co-occurrence</h3>"
            + charts.table(
                ["label", "label", "articles", "Jaccard"],
                [[p.label_a, p.label_b, p.articles, p.jaccard] for p in pairs],
            )
        )
    return "".join(parts) + "</section>"


def _duplicates(summary: CorpusSummary) -> str:
    if not summary.n_duplicates:
        note = '<p class="note">No near-duplicate clusters.</p>'
        return f'<section id="duplicates"><h2>Copied text</h2>{note}</section>'
    shown = summary.duplicates
    svg = charts.timeline(
        "near-duplicate clusters",
        [(f"cluster {c.cluster_id}", [(m.lag_hours or 0.0, m.outlet) for m in c.members]) for c in shown],
    )
    rows = [
        [
            c.cluster_id,
            m.article_id,
            m.outlet,
            m.published,
            m.similarity,
            "" if m.lag_hours is None else round(m.lag_hours, 1),
            "first" if i == 0 else "",
        ]
        for c in shown
        for i, m in enumerate(c.members)
    ]
    data = charts.table(["cluster", "article", "outlet", "published", "similarity", "lag (h)", ""], rows)
    return (
        '<section id="duplicates"><h2>Copied text</h2>'
        + _figure(
            "duplicates",
            svg,
            f"{summary.n_duplicates} clusters; red: first publisher, blue: copies at their lag.",
            data,
        )
        + "</section>"
    )


def _extras(summary: CorpusSummary) -> str:
    parts = []
    roles = summary.entity_roles
    if roles:
        parts.append(
            '<section id="entities"><h2>Entity roles</h2>'
            + charts.table(
                ["outlet", "entity", "main role", "mentions", "articles"],
                [[r.outlet, r.entity, r.main_role, r.mentions, r.articles] for r in roles],
            )
            + "</section>"
        )
    rising = summary.rising
    if rising:
        parts.append(
            f'<section id="trends"><h2>Rising in {esc(rising[0].week)}</h2>'
            + charts.table(
                ["task", "label", "share this week", "share 4 weeks before", "change"],
                [[t.task, t.label, t.share_now, t.share_before, t.change] for t in rising],
            )
            + "</section>"
        )
    matches = summary.claims
    if matches:
        parts.append(
            '<section id="claims"><h2>Known claims</h2>'
            + charts.table(
                ["article", "sentence", "claim", "claim id", "score"],
                [[m.article_id, m.sentence, m.claim, m.claim_id, m.score] for m in matches],
            )
            + _recurring(summary)
            + "</section>"
        )
    return "".join(parts)


def _recurring(summary: CorpusSummary) -> str:
    """The known claims restated most, by outlet and by week."""
    parts = []
    by_group: tuple[tuple[str, tuple[RecurringClaim, ...]], ...] = (
        ("outlet", summary.recurring_by_outlet),
        ("week", summary.recurring_by_week),
    )
    for by, rows in by_group:
        if rows:
            parts.append(
                f"<h3>Recurring claims by {by}</h3>"
                + charts.table(
                    [by, "claim", "claim id", "articles", "sentences"],
                    [[r.group, r.claim, r.claim_id, r.articles, r.sentences] for r in rows],
                )
            )
    return "".join(parts)


def report_body(summary: CorpusSummary) -> str:
    """The report's ``<body>`` content: summary, a section per task, copied text, entity roles, trends,
    known claims. Sections without data say so or are left out."""
    st = summary.stats
    table = charts.table(
        ["articles", "words", "outlets", "first date", "last date", "runs", "errors"],
        [[st.articles, st.words, st.outlets, st.first_date or "", st.last_date or "", st.runs, st.errors]],
    )
    body = "".join(_task_section(t) for t in summary.tasks) + _duplicates(summary) + _extras(summary)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return (
        f'<h1>Narrascope corpus report</h1><p class="note">{esc(summary.name)}, written {stamp}.</p>'
        f"{table}{body}"
    )


def render_report(summary: CorpusSummary) -> str:
    """The whole report as one self-contained HTML page."""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Narrascope corpus report</title>'
        f"<style>{REPORT_CSS}</style></head><body>{report_body(summary)}</body></html>"
    )


def corpus_report(store: Store) -> str:
    """The report of ``store`` with the default caps (:func:`corpus_summary`)."""
    return render_report(corpus_summary(store))


def write_report(db: str | Path, out: str | Path) -> Path:
    """Write the corpus report of the store ``db`` to ``out`` (one self-contained HTML file)."""
    with Store(db, read_only=True) as store:
        html = corpus_report(store)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path
