"""The comparison as one self-contained HTML page: articles in columns; narratives, techniques per 1,000 words
and entity roles in rows, an entity shared by several articles on one row. No script at all; the one inline
stylesheet is allowed by its hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from narrascope.report._common import info
from narrascope.report._compare import Comparison, DensityRow, compare
from narrascope.report._html import _asset
from narrascope.report._model import Classes
from narrascope.report._safe import csp, esc
from narrascope.report._summary import CastMember, Summary
from narrascope.types import Analysis

LETTERS = "ABCD"
_BAR = 90


@dataclass(frozen=True)
class ComparisonParts:
    """The parts of the comparison page: HTML with every text escaped, except ``title`` (plain text);
    ``style`` is the source of its one stylesheet."""

    title: str
    header: str
    main: str
    footer: str
    style: str

    def body(self) -> str:
        return "\n".join([self.header, self.main, self.footer])


def compare_html(analyses: Sequence[Analysis]) -> str:
    """The page as a string (UTF-8 when written); raises ``CompareError`` unless 2 to 4 analyses."""
    return render_comparison(compare(analyses))


def comparison_parts(analyses: Sequence[Analysis]) -> ComparisonParts:
    """The parts of ``compare_html(analyses)``, for another page to compose."""
    return _parts(compare(analyses))


def _parts(c: Comparison) -> ComparisonParts:
    classes = Classes()
    body = [
        _articles(c.summaries),
        _narratives(c),
        _density(c),
        _entities(c, classes),
    ]
    n = len(c.summaries)
    heads = " · ".join(f"{LETTERS[i]}: {s.headline}" for i, s in enumerate(c.summaries))
    return ComparisonParts(
        title=f"Narrascope: comparison of {n} articles",
        header=f'<header class="page"><h1>Comparison of {n} articles</h1>\n'
        f'<p class="facts">{esc(heads)}</p></header>',
        main=f'<main class="compare" id="compare">{"".join(body)}</main>',
        footer="<footer>Narrascope comparison. Findings are model predictions, not verdicts.</footer>",
        style=_asset("compare.css") + classes.css(),
    )


def render_comparison(c: Comparison) -> str:
    parts = _parts(c)
    style = parts.style
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp([style]))}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="narrascope">',
            f"<title>{esc(parts.title)}</title>",
            f"<style>{style}</style>",
            "</head>",
            "<body>",
            parts.body(),
            "</body>",
            "</html>",
            "",
        ]
    )


def _table(sid: str, summaries: tuple[Summary, ...], rows: list[str], first: str = "") -> str:
    """The articles as columns: the first table names them in full, later ones by letter and a short name."""
    full = sid == "cmp-articles"
    names = [s.headline if full else _short(s.headline) for s in summaries]
    cols = "".join(
        f'<th scope="col"><span class="letter">{LETTERS[i]}</span>{esc(name)}</th>'
        for i, name in enumerate(names)
    )
    return (
        f'<table class="cmp" id="{sid}"><thead><tr><th scope="col">{esc(first)}</th>{cols}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _short(headline: str, limit: int = 48) -> str:
    return headline if len(headline) <= limit else headline[: limit - 1].rstrip() + "…"


def _row(name: str, cells: Sequence[str], cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f'<tr{attr}><th scope="row">{esc(name)}</th>{"".join(cells)}</tr>'


def _articles(summaries: tuple[Summary, ...]) -> str:
    def cell(value: str) -> str:
        return f"<td>{value}</td>" if value else '<td class="none">–</td>'

    def lead(s: Summary) -> str:
        if not s.lead:
            return ""
        n = s.lead.narrative
        quote = f"<blockquote>“{esc(s.lead.sentence[:300])}”</blockquote>" if s.lead.sentence else ""
        return f'{esc(n.display)} <span class="score">{n.score:.2f}</span>{quote}'

    rows = [
        _row(name, [cell(esc(v)) for v in values])
        for name, values in (
            ("Outlet", [s.outlet for s in summaries]),
            ("Published", [s.published for s in summaries]),
        )
        if any(values)  # a row only where some article says it
    ]
    rows += [
        _row("Language, words", [cell(esc(f"{s.lang or '?'}, {s.words:,}")) for s in summaries]),
        _row(
            "Genre",
            [
                cell(
                    f'{esc(s.genre.display)} <span class="score">{s.genre.score:.2f}</span>'
                    if s.genre
                    else ""
                )
                for s in summaries
            ],
        ),
        _row("Dominant narrative", [cell(lead(s)) for s in summaries]),
        _row(
            "Techniques per 1,000 words",
            [
                cell(
                    f'<span class="big">{s.total.per_1000:.1f}</span> ({s.total.count})' if s.measured else ""
                )
                for s in summaries
            ],
        ),
    ]
    return f'<section id="overview"><h2>The articles</h2>{_table("cmp-articles", summaries, rows)}</section>'


def _narratives(c: Comparison) -> str:
    if not c.narratives:
        return (
            '<section id="narratives"><h2>Narratives</h2><p class="muted">No narratives found.</p></section>'
        )
    rows = []
    for r in c.narratives:
        cells = []
        for score, dominant in zip(r.scores, r.dominant, strict=True):
            if score is None:
                cells.append('<td class="none">–</td>')
            else:
                cls = ' class="dominant"' if dominant else ""
                cells.append(f'<td><span{cls}><span class="score">{score:.2f}</span></span></td>')
        rows.append(_row(r.display, cells))
    table = _table("cmp-narratives", c.summaries, rows, "Narrative")
    return f'<section id="narratives"><h2>Narratives</h2>{table}</section>'


def _density(c: Comparison) -> str:
    top = max([d.per_1000 for r in (*c.groups, *c.techniques) for d in r.cells] + [1e-9])
    groups = [_density_row(r, top, "Techniques in all" if r.name == "all" else r.name) for r in c.groups]
    table = _table("cmp-density", c.summaries, groups, "Technique group")
    parts = [f'<section id="density"><h2>Techniques per 1,000 words</h2>{table}']
    if c.techniques:
        rows = [_density_row(r, top, info("techniques", r.name).display) for r in c.techniques]
        parts.append(
            f"<details><summary>By technique ({len(c.techniques)})</summary>"
            f"{_table('cmp-techniques', c.summaries, rows, 'Technique')}</details>"
        )
    parts.append("</section>")
    return "".join(parts)


def _density_row(r: DensityRow, top: float, name: str) -> str:
    cells = []
    for d in r.cells:
        w = _BAR * d.per_1000 / top
        bar = (
            f'<svg class="cbar" width="{_BAR}" height="10" viewBox="0 0 {_BAR} 10" aria-hidden="true">'
            f'<rect x="0" y="1" width="{w:.1f}" height="8" rx="2"></rect></svg>'
        )
        cells.append(
            f'<td data-value="{d.per_1000:.2f}">{bar}{d.per_1000:.1f} <span class="n">({d.count})</span></td>'
        )
    return _row(name, cells, "all" if r.name == "all" else "")


def _entities(c: Comparison, classes: Classes) -> str:
    if not c.entities:
        none = '<p class="muted">No entities found.</p>'
        return f'<section id="entities"><h2>Entities and their roles</h2>{none}</section>'
    rows = []
    shared = [r for r in c.entities if r.shared]
    alone = [r for r in c.entities if not r.shared]
    for r in shared:
        rows.append(_row(r.name, [_cast_cell(m, classes) for m in r.cells], "shared"))
    if alone:
        span = len(c.summaries) + 1
        rows.append(f'<tr class="sep"><th colspan="{span}">Named in one article only</th></tr>')
        rows += [_row(r.name, [_cast_cell(m, classes) for m in r.cells], "alone") for r in alone]
    note = f'<p class="muted">{len(shared)} entities named in more than one article, on the first rows.</p>'
    table = _table("cmp-entities", c.summaries, rows, "Entity")
    return f'<section id="entities"><h2>Entities and their roles</h2>{note}{table}</section>'


def _cast_cell(m: CastMember | None, classes: Classes) -> str:
    if m is None:
        return '<td class="none">–</td>'
    li = info("roles", m.role)
    cls = classes.get("roles", m.role)
    badge = f'<span class="badge {cls}" title="{esc(li.definition)}">{esc(li.display)}</span>'
    fine = f' <span class="fine">{esc(", ".join(m.fine_roles))}</span>' if m.fine_roles else ""
    return f'<td data-role="{esc(m.role)}">{badge}{fine} <span class="n">×{m.mentions}</span></td>'
