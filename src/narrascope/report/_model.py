"""What the HTML page draws, gathered once from an analysis: colour classes, evidence, entity anchors."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from narrascope.labels import FALLBACK_COLOR, LabelInfo, is_hex_color
from narrascope.report._common import document_level, entities, entity_name, info, located, task_title
from narrascope.types import Analysis, Finding, Span


@dataclass(frozen=True)
class Mark:
    """A located finding to highlight, with its task, label definition and colour class."""

    finding: Finding
    task: str
    info: LabelInfo
    cls: str
    lane: int = 0  # its underline's level: overlapping marks get different lanes (at most MAX_LANES)

    @property
    def group(self) -> str:
        """The legend group: a technique's category; otherwise the task's title."""
        return (self.info.category if self.task == "techniques" else "") or task_title(self.task)


MAX_LANES = 4


def _darker(color: str, factor: float = 0.55) -> str:
    """``#rrggbb`` with each channel scaled by ``factor``: the underline of a light highlight colour."""
    channels = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c * factor):02x}" for c in channels)


def assign_lanes(marks: list[Mark]) -> list[Mark]:
    """Greedy interval colouring in text order: each mark takes the lowest lane free at its start."""
    ends: list[int] = []
    out = []
    for m in sorted(marks, key=lambda m: (m.finding.start or 0, -(m.finding.end or 0), m.cls)):
        start, end = m.finding.start or 0, m.finding.end or 0
        lane = next((i for i, e in enumerate(ends) if e <= start), len(ends))
        if lane == len(ends):
            ends.append(end)
        else:
            ends[lane] = end
        out.append(replace(m, lane=min(lane, MAX_LANES - 1)))
    return out


@dataclass
class Classes:
    """One CSS class per (kind, label): ``k0``, ``k1``... with the label's colour as background."""

    colors: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def get(self, task: str, label: str) -> str:
        key = (task, label)
        if key not in self.colors:
            color = info(task, label).color
            self.colors[key] = (f"k{len(self.colors)}", color if is_hex_color(color) else FALLBACK_COLOR)
        return self.colors[key][0]

    def css(self) -> str:
        return "".join(
            f".{cls}{{background-color:{color}}}\n.u{cls[1:]}{{border-bottom-color:{_darker(color)}}}\n"
            for cls, color in self.colors.values()
        )


@dataclass
class PageModel:
    marks: list[Mark]
    evidence: list[Span]  # unique evidence sentences, in text order
    cited_by: dict[Span, list[str]]  # evidence sentence -> what it supports, in words
    mentions: list[Span]  # unique entity mention spans, in text order
    classes: Classes
    entity_of: dict[Span, str] = field(default_factory=dict)  # mention span -> its entity's key (``e0``...)
    entity_keys: dict[str, str] = field(default_factory=dict)  # entity name -> key, in order of first finding


def build(analysis: Analysis) -> PageModel:
    classes = Classes()
    marks: list[Mark] = []
    cited_by: dict[Span, list[str]] = {}
    mentions: set[Span] = set()
    entity_of: dict[Span, str] = {}
    entity_keys: dict[str, str] = {}
    for result in sorted(analysis.results, key=lambda r: r.task):
        for f in located(result.findings):
            marks.append(Mark(f, result.task, info(result.task, f.label), classes.get(result.task, f.label)))
        for f in document_level(result.findings):
            for e in f.evidence:
                cited_by.setdefault(e, []).append(info(result.task, f.label).display)
        for f in entities(result.findings):
            key = entity_keys.setdefault(entity_name(f, analysis.document.text), f"e{len(entity_keys)}")
            if f.span is not None and f.span.end > f.span.start:
                mentions.add(f.span)
                entity_of.setdefault(f.span, key)
    marks = assign_lanes(marks)
    evidence = sorted(cited_by, key=lambda s: (s.start, s.end))
    ordered = sorted(mentions, key=lambda s: (s.start, s.end))
    return PageModel(marks, evidence, cited_by, ordered, classes, entity_of, entity_keys)


def evidence_id(span: Span) -> str:
    return f"ev-{span.start}-{span.end}"


def mention_id(span: Span) -> str:
    return f"en-{span.start}-{span.end}"
