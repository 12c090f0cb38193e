"""The legend above the text: every highlighted label with its colour, count and definition, grouped (the
techniques by their category), with the filters the page's script drives: a switch per group, a button per
label and a minimum-confidence slider. Without script the legend still explains every colour."""

from __future__ import annotations

from collections import Counter

from narrascope.report._model import Mark, PageModel
from narrascope.report._safe import esc


def group_ids(model: PageModel) -> dict[str, str]:
    """Each group of the highlighted labels, in legend order, to its id: ``g0``, ``g1``..."""
    order = sorted(model.marks, key=_order)
    return {g: f"g{i}" for i, g in enumerate(dict.fromkeys(m.group for m in order))}


def _order(m: Mark) -> tuple[str, str, str]:
    return (m.task, m.info.category or "~", m.info.display)


def render_legend(model: PageModel) -> str:
    if not model.marks:
        return ""
    counts = Counter(m.cls for m in model.marks)
    first: dict[str, Mark] = {}
    for m in sorted(model.marks, key=_order):
        first.setdefault(m.cls, m)
    gids = group_ids(model)
    by_group: dict[str, list[Mark]] = {}
    for m in first.values():
        by_group.setdefault(m.group, []).append(m)
    blocks = []
    for group, members in by_group.items():
        gid = gids[group]
        total = sum(counts[m.cls] for m in members)
        members.sort(key=lambda m: (-counts[m.cls], m.info.display))
        items = "".join(_entry(m, counts[m.cls], gid) for m in members)
        blocks.append(
            f'<div class="lgroup" data-group="{gid}"><h3><label class="gsw">'
            f'<input type="checkbox" class="grp" data-group="{gid}" checked> {esc(group)}</label> '
            f'<span class="n">{total}</span></h3><ul class="legend">{items}</ul></div>'
        )
    return (
        '<section id="legend" aria-label="Legend of the highlights"><details open>'
        f'<summary><h2>Highlights <span class="n">{len(model.marks)}</span></h2></summary>'
        f"{_controls()}"
        f'<div class="lgroups">{"".join(blocks)}</div>'
        '<p class="hint">Hover over or tab to a highlight for its technique, definition and score. '
        "Select a label to hide or show it; untick a group to hide all of its labels.</p></details></section>"
    )


def _controls() -> str:
    return (
        '<div class="controls"><label for="conf">Minimum confidence</label> '
        '<input type="range" id="conf" min="0" max="1" step="0.05" value="0" '
        'aria-describedby="conf-value"> <output id="conf-value" for="conf">0.00</output> '
        '<span class="muted" id="shown"></span></div>'
    )


def _entry(m: Mark, n: int, gid: str) -> str:
    li = m.info
    return (
        f'<li><button type="button" class="lg" data-key="{m.cls}" data-group="{gid}" aria-pressed="true" '
        f'title="{esc(li.definition)}"><span class="sw {m.cls}"></span>'
        f'<span class="name">{esc(li.display)}</span> <span class="n">{n}</span></button>'
        + (f'<span class="def">{esc(li.definition)}</span>' if li.definition else "")
        + "</li>"
    )
