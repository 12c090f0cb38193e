"""The side panel of the HTML page: per detector, labels with scores, evidence links and entities."""

from __future__ import annotations

from collections import Counter

from narrascope.report._claims import render_claims
from narrascope.report._common import (
    clean,
    document_level,
    entities,
    entity_name,
    fine_roles,
    info,
    located,
    other_attrs,
    snippet,
    task_title,
)
from narrascope.report._model import PageModel, evidence_id, mention_id
from narrascope.report._safe import esc
from narrascope.types import Analysis, DetectorResult, Finding, Span


def render_panel(analysis: Analysis, model: PageModel) -> str:
    parts = ['<aside id="panel" aria-label="Findings">']
    if analysis.warnings:
        items = "".join(f"<li>{esc(w)}</li>" for w in analysis.warnings)
        parts.append(f'<section class="warnings"><h2>Warnings</h2><ul>{items}</ul></section>')
    for result in analysis.results:
        parts.append(_section(analysis, result, model))
    if not analysis.results:
        parts.append("<p>No detector ran.</p>")
    parts.append("</aside>")
    return "".join(parts)


def _section(analysis: Analysis, result: DetectorResult, model: PageModel) -> str:
    title = esc(task_title(result.task))
    about = esc(f"{result.detector}, model {result.model_version}")
    task = esc(result.task)
    parts = [f'<section class="task" id="task-{task}" data-task="{task}"><h2 title="{about}">{title}</h2>']
    doc_level = document_level(result.findings)
    if doc_level:
        rows = "".join(_row(analysis, result.task, f) for f in doc_level)
        parts.append(f'<ul class="scores">{rows}</ul>')
    parts.append(_legend(result, model))
    if result.task == "claims":
        parts.append(render_claims(analysis.document.text, result))
    parts.append(_entities(analysis, result, model))
    if not result.findings:
        parts.append('<p class="none">Nothing found.</p>')
    parts.append("</section>")
    return "".join(parts)


def _row(analysis: Analysis, task: str, f: Finding) -> str:
    li = info(task, f.label)
    score = f"{f.score:.2f}"
    parts = [
        f'<li title="{esc(li.definition)}"><span class="name">{esc(li.display)}</span> '
        f'<meter min="0" max="1" value="{max(0.0, min(1.0, f.score)):.4f}">{score}</meter> '
        f'<span class="score">{score}</span>'
    ]
    if f.attrs:
        pairs = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in f.attrs)
        parts.append(f'<dl class="attrs">{pairs}</dl>')
    if f.evidence:
        links = "".join(f"<li>{_evidence_link(analysis, e)}</li>" for e in f.evidence)
        parts.append(f'<ol class="evidence">{links}</ol>')
    parts.append("</li>")
    return "".join(parts)


def _evidence_link(analysis: Analysis, span: Span) -> str:
    doc = analysis.document
    number = doc.sentences.index(span) + 1 if span in doc.sentences else None
    where = f"sentence {number}" if number else f"characters {span.start}-{span.end}"
    return f'<a href="#{evidence_id(span)}">{esc(where)}</a>: “{esc(snippet(doc.text, span, 100))}”'


def _legend(result: DetectorResult, model: PageModel) -> str:
    """A line that points to the legend above the text, where the highlighted labels are explained."""
    counts = Counter(f.label for f in located(result.findings))
    if not counts:
        return ""
    n = sum(counts.values())
    return (
        f'<p class="located"><a href="#legend">{n} highlight{"s" if n != 1 else ""}, '
        f"{len(counts)} label{'s' if len(counts) != 1 else ''}</a>: the legend above the text "
        "explains each colour.</p>"
    )


def _entities(analysis: Analysis, result: DetectorResult, model: PageModel) -> str:
    items = []
    marked = set(model.entity_of.values())
    for f in entities(result.findings):
        full = entity_name(f, analysis.document.text)
        name = esc(clean(full)[:80])
        key = model.entity_keys.get(full, "")
        if f.span is not None and f.span.end > f.span.start:
            name = f'<a href="#{mention_id(f.span)}">{name}</a>'
        elif key in marked:  # an entity-level row: a toggle that marks every mention of it in the text
            name = (
                f'<button type="button" class="ent" data-entity="{key}" aria-pressed="false" '
                f'title="Mark its mentions in the text">{name}</button>'
            )
        main = f.attr("main_role")
        badges = [_badge(model, main, main, "main")]
        badges += [_badge(model, role, main, "fine") for role in fine_roles(f)]
        extra = "".join(f' <span class="attr">{esc(k)}: {esc(v)}</span>' for k, v in other_attrs(f))
        items.append(f'<li>{name} {"".join(badges)} <span class="score">{f.score:.2f}</span>{extra}</li>')
    if not items:
        return ""
    hint = '<p class="hint">Select an entity to mark its mentions in the text.</p>' if marked else ""
    return f'<ul class="entities">{"".join(items)}</ul>{hint}'


def _badge(model: PageModel, role: str, main: str, kind: str) -> str:
    li = info("roles", role)
    cls = model.classes.get("roles", role if li.definition else main)
    return f'<span class="badge {kind} {cls}" title="{esc(li.definition)}">{esc(li.display)}</span>'
