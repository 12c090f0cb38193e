"""The summary above the text: genre, the dominant narrative with its strongest sentence, persuasion density
as a small inline SVG chart (no script, no library), and the cast of entities grouped by main role."""

from __future__ import annotations

from narrascope.report._common import clean, info
from narrascope.report._model import PageModel, evidence_id
from narrascope.report._safe import esc
from narrascope.report._summary import MAIN_ROLES, CastMember, Density, Summary

CAST_PER_ROLE = 6
_BAR = 150  # px: the longest bar of a chart


def render_summary(summary: Summary, model: PageModel) -> str:
    items = []
    if summary.genre:
        g = summary.genre
        items.append(_item("Genre", f'{esc(g.display)} <span class="score">{g.score:.2f}</span>'))
    if summary.lead:
        items.append(_item("Dominant narrative", _lead(summary)))
    if summary.measured:
        items.append(_item("Persuasion density", _density(summary)))
    if summary.check_worthy is not None:
        items.append(_item("Check first", _check_first(summary)))
    cast = _cast(summary.cast, model)
    if cast:
        items.append(_item("Cast", cast))
    return f'<section id="summary" aria-label="Summary"><dl class="glance">{"".join(items)}</dl></section>'


def _item(term: str, value: str) -> str:
    fact = esc(term.lower().replace(" ", "-"))
    return f'<div class="fact" data-fact="{fact}"><dt>{esc(term)}</dt><dd>{value}</dd></div>'


def _lead(summary: Summary) -> str:
    lead = summary.lead
    assert lead is not None
    n = lead.narrative
    parts = [f'<strong class="narrative">{esc(n.display)}</strong> <span class="score">{n.score:.2f}</span>']
    if lead.subnarrative:
        s = lead.subnarrative
        sub = f'<span class="sub">{esc(s.display)}</span> <span class="score">{s.score:.2f}</span>'
        parts.append(f"<br>{sub}")
    if lead.evidence is not None and lead.sentence:
        quote = esc(lead.sentence if len(lead.sentence) <= 300 else lead.sentence[:299] + "…")
        link = f'<a href="#{evidence_id(lead.evidence)}">“{quote}”</a>'
        parts.append(f'<blockquote class="strongest">{link}</blockquote>')
    return "".join(parts)


def _check_first(summary: Summary) -> str:
    n = summary.check_worthy or 0
    plural = "s" if n != 1 else ""
    head = f'<a href="#task-claims"><span class="big">{n}</span> check-worthy sentence{plural}</a>'
    rows = []
    for c in summary.check_first:
        quote = esc(c.sentence if len(c.sentence) <= 200 else c.sentence[:199] + "…")
        known = f' <span class="known">restates {c.known} known claim{"s" if c.known != 1 else ""}</span>'
        rows.append(
            f'<li data-start="{c.span.start}" data-end="{c.span.end}">“{quote}” '
            f'<span class="score">{c.score:.2f}</span>{known if c.known else ""}</li>'
        )
    return head + (f'<ol class="check-first">{"".join(rows)}</ol>' if rows else "")


def _density(summary: Summary) -> str:
    total = summary.total
    head = (
        f'<span class="big">{total.per_1000:.1f}</span> techniques per 1,000 words '
        f'<span class="muted">({total.count} in {summary.words:,} words)</span>'
    )
    return head + bar_chart(summary.groups, "Techniques per 1,000 words, by group")


def bar_chart(rows: tuple[Density, ...], title: str, scale: float = 0.0) -> str:
    """Horizontal bars, one per row, of ``per_1000``; ``scale`` (the value of the longest bar) lets several
    charts share one scale."""
    top = max([scale] + [r.per_1000 for r in rows] + [1e-9])
    label_w, row_h = 150, 18
    width, height = label_w + _BAR + 50, row_h * len(rows) + 4
    bars = []
    for i, r in enumerate(rows):
        y = 2 + i * row_h
        w = _BAR * r.per_1000 / top
        bars.append(
            f'<g class="row" data-group="{esc(r.name)}" data-value="{r.per_1000:.2f}">'
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{esc(r.name)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" rx="2"></rect>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 12}" class="v">{r.per_1000:.1f}</text></g>'
        )
    return (
        f'<svg class="bars" role="img" aria-label="{esc(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{esc(title)}</title>{"".join(bars)}</svg>'
    )


def _cast(cast: tuple[CastMember, ...], model: PageModel) -> str:
    if not cast:
        return ""
    roles = list(MAIN_ROLES) + sorted({m.role for m in cast} - set(MAIN_ROLES))
    marked = set(model.entity_of.values())
    keys = {clean(name): key for name, key in model.entity_keys.items()}
    groups = []
    for role in roles:
        members = [m for m in cast if m.role == role]
        if not members:
            continue
        cls = model.classes.get("roles", role)
        shown = "".join(_member(m, keys, marked) for m in members[:CAST_PER_ROLE])
        more = len(members) - CAST_PER_ROLE
        extra = f'<li class="muted">and {more} more (in the panel)</li>' if more > 0 else ""
        li = info("roles", role)
        groups.append(
            f'<div class="role" data-role="{esc(role)}"><span class="badge main {cls}" '
            f'title="{esc(li.definition)}">{esc(li.display)}</span><ul>{shown}{extra}</ul></div>'
        )
    return f'<div class="cast">{"".join(groups)}</div>'


def _member(m: CastMember, keys: dict[str, str], marked: set[str]) -> str:
    name = esc(m.name[:80])
    key = keys.get(m.name, "")
    if key in marked:
        name = (
            f'<button type="button" class="ent who" data-entity="{key}" aria-pressed="false" '
            f'title="Mark its mentions in the text">{name}</button>'
        )
    fine = f' <span class="fine">{esc(", ".join(m.fine_roles))}</span>' if m.fine_roles else ""
    tip = f"{m.mentions} mentions" + (f", {m.agree} of them cast as {m.role}" if m.agree else "")
    return f'<li>{name} <span class="n" title="{esc(tip)}">×{m.mentions}</span>{fine}</li>'
