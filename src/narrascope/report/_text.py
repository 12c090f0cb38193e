"""A readable terminal summary of one analysis."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

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
from narrascope.report._summary import Summary, summarize
from narrascope.types import Analysis, DetectorResult, Finding, Span

GLANCE_CAST = 4  # entities named per main role in the summary

_CODES = {"bold": "1", "dim": "2", "label": "36", "score": "33", "warn": "31"}


@dataclass(frozen=True)
class _Style:
    color: bool

    def __call__(self, kind: str, s: str) -> str:
        return f"\x1b[{_CODES[kind]}m{s}\x1b[0m" if self.color else s

    def score(self, value: float) -> str:
        return self("score", f"{value:.2f}")


def to_text(analysis: Analysis, color: bool = False) -> str:
    """Header, then what each detector found; ANSI colours only when ``color`` is true."""
    st = _Style(color)
    lines = _header(analysis, st) + _glance(summarize(analysis), st)
    for result in analysis.results:
        lines += ["", *_result(result, analysis.document.text, st)]
    if analysis.warnings:
        lines += ["", st("warn", "Warnings")] + [f"  {clean(w)}" for w in analysis.warnings]
    return "\n".join(lines) + "\n"


def _header(analysis: Analysis, st: _Style) -> list[str]:
    doc = analysis.document
    art = doc.article
    lines = [st("bold", f"Article {clean(art.id)}")]
    if art.title:
        lines.append(f"  {clean(art.title)}")
    lines.append(
        f"  language {clean(doc.lang) or '?'} ({doc.lang_score:.2f}) · {len(doc.text):,} characters · "
        f"{len(doc.sentences)} sentences · {len(doc.paragraphs)} paragraphs"
    )
    return lines


def _glance(s: Summary, st: _Style) -> list[str]:
    """The summary the HTML page opens on, in a few lines: genre, dominant narrative, density, cast."""
    lines = ["", st("bold", "At a glance"), f"  {s.headline}"]
    if s.genre:
        lines.append(f"  genre: {st('label', s.genre.display)} {st.score(s.genre.score)}")
    if s.lead:
        n = s.lead.narrative
        lines.append(f"  dominant narrative: {st('label', n.display)} {st.score(n.score)}")
        if s.lead.sentence:
            lines.append(
                f"    › “{s.lead.sentence if len(s.lead.sentence) <= 100 else s.lead.sentence[:99] + '…'}”"
            )
    groups = ", ".join(f"{g.name} {g.per_1000:.1f}" for g in s.groups if g.count)
    if s.measured:
        total = f"{s.total.per_1000:.1f} techniques per 1,000 words ({s.total.count} in {s.words:,} words)"
        lines.append(f"  persuasion: {total}" + (f": {groups}" if groups else ""))
    roles: dict[str, list[str]] = {}
    for m in s.cast:
        split = f" ({m.agree} agree)" if 0 < m.agree < m.mentions else ""
        roles.setdefault(m.role, []).append(f"{m.name[:40]} ×{m.mentions}{split}")
    for role, names in roles.items():
        more = f" and {len(names) - GLANCE_CAST} more" if len(names) > GLANCE_CAST else ""
        lines.append(f"  {role.lower()}s: {', '.join(names[:GLANCE_CAST])}{more}")
    if s.check_worthy is not None:
        plural = "s" if s.check_worthy != 1 else ""
        lines.append(f"  check first: {s.check_worthy} check-worthy sentence{plural}")
        for c in s.check_first:
            quote = c.sentence if len(c.sentence) <= 100 else c.sentence[:99] + "…"
            known = f" (restates {c.known} known claim{'s' if c.known != 1 else ''})" if c.known else ""
            lines.append(f"    › “{quote}” {st.score(c.score)}{known}")
    return lines


def _result(result: DetectorResult, text: str, st: _Style) -> list[str]:
    title = f"{task_title(result.task)}  " + st("dim", f"({result.detector}, model {result.model_version})")
    lines = [st("bold", title)]
    doc_level = document_level(result.findings)
    if doc_level and all(not f.evidence and not f.attrs for f in doc_level):
        labels = (f"{st('label', info(result.task, f.label).display)} {st.score(f.score)}" for f in doc_level)
        lines.append("  " + " · ".join(labels))
    else:
        lines += _detailed(result.task, doc_level, text, st)
    lines += _located(result.task, located(result.findings), text, st)
    lines += _entities(entities(result.findings), text, st)
    if not result.findings:
        lines.append(st("dim", "  nothing found"))
    return lines


def _detailed(task: str, findings: list[Finding], text: str, st: _Style) -> list[str]:
    lines: list[str] = []
    for f in findings:
        lines.append(f"  {st('label', clean(info(task, f.label).display))} {st.score(f.score)}")
        lines += [f"    {clean(k)}: {clean(v)}" for k, v in f.attrs]
        lines += [f"    › “{snippet(text, e)}” {_pos(e, st)}" for e in f.evidence]
    return lines


def _located(task: str, findings: list[Finding], text: str, st: _Style) -> list[str]:
    lines: list[str] = []
    by_label = sorted(findings, key=lambda f: f.label)
    for label, group in groupby(by_label, key=lambda f: f.label):
        items = list(group)
        lines.append(f"  {st('label', clean(info(task, label).display))} ×{len(items)}")
        for f in items:
            span = Span(f.start or 0, f.end or 0)
            extras = "".join(f" {clean(k)}={clean(v)}" for k, v in f.attrs)
            lines.append(f"    {_pos(span, st)} {st.score(f.score)} “{snippet(text, span)}”{extras}")
    return lines


def _entities(findings: list[Finding], text: str, st: _Style) -> list[str]:
    """One line per entity; when the detector gives an entity-level summary, that summary alone (the JSON
    and HTML views list every mention)."""
    lines: list[str] = []
    summary = [f for f in findings if f.attr("level") == "entity"]
    if summary and len(summary) < len(findings):
        hidden = len(findings) - len(summary)
        findings = summary
        lines.append(st("dim", f"  ({hidden} mentions; the JSON and HTML views list each one)"))
    for f in findings:
        roles = ", ".join(fine_roles(f))
        role = f.attr("main_role") + (f": {roles}" if roles else "")
        where = f" {_pos(Span(f.start, f.end or f.start), st)}" if f.start is not None else ""
        extras = "".join(f" {clean(k)}={clean(v)}" for k, v in other_attrs(f))
        name = clean(entity_name(f, text))[:80]
        lines.append(f"  “{name}”{where} {st('label', clean(role))} {st.score(f.score)}{extras}")
    return lines


def _pos(span: Span, st: _Style) -> str:
    return st("dim", f"[{span.start}-{span.end}]")
