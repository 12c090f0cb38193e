"""Two to four analyses side by side: their summaries, and the rows that line them up (narratives, technique
groups, entities). An entity named alike in several articles gets one row (names compared case-folded, without
punctuation or a leading "the")."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from narrascope.report._summary import CastMember, Density, Scored, Summary, summarize
from narrascope.types import SCHEMA_VERSION, Analysis

MIN_ARTICLES, MAX_ARTICLES = 2, 4
_NON_WORD = re.compile(r"[\W_]+")


class CompareError(ValueError):
    """Fewer than two or more than four articles."""


@dataclass(frozen=True)
class EntityRow:
    """One entity across the articles: its role in each (None where the article does not name it)."""

    name: str
    cells: tuple[CastMember | None, ...]

    @property
    def shared(self) -> bool:
        return sum(c is not None for c in self.cells) >= 2

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "shared": self.shared,
            "articles": [c.to_dict() if c else None for c in self.cells],
        }


@dataclass(frozen=True)
class NarrativeRow:
    label: str
    display: str
    scores: tuple[float | None, ...]
    dominant: tuple[bool, ...]

    def to_dict(self) -> dict[str, Any]:
        scores = [None if s is None else round(s, 4) for s in self.scores]
        return {
            "label": self.label,
            "display": self.display,
            "scores": scores,
            "dominant": list(self.dominant),
        }


@dataclass(frozen=True)
class DensityRow:
    name: str
    cells: tuple[Density, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "articles": [c.to_dict() for c in self.cells]}


@dataclass(frozen=True)
class Comparison:
    summaries: tuple[Summary, ...]
    narratives: tuple[NarrativeRow, ...]  # most articles first, then best score
    groups: tuple[DensityRow, ...]  # every technique group, then "all"
    techniques: tuple[DensityRow, ...]  # every technique found in any article, most frequent first
    entities: tuple[EntityRow, ...]  # shared first (in most articles, most mentions), then the others

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "comparison",
            "schema_version": SCHEMA_VERSION,
            "articles": [s.to_dict() for s in self.summaries],
            "narratives": [r.to_dict() for r in self.narratives],
            "technique_groups": [r.to_dict() for r in self.groups],
            "techniques": [r.to_dict() for r in self.techniques],
            "entities": [r.to_dict() for r in self.entities],
        }


def entity_key(name: str) -> str:
    """How entity names are matched across articles: case-folded, punctuation gone, no leading "the"."""
    key = _NON_WORD.sub(" ", name.casefold()).strip()
    return key[4:] if key.startswith("the ") else key


def compare(analyses: Sequence[Analysis]) -> Comparison:
    if not MIN_ARTICLES <= len(analyses) <= MAX_ARTICLES:
        raise CompareError(f"compare takes {MIN_ARTICLES} to {MAX_ARTICLES} articles, not {len(analyses)}")
    summaries = tuple(summarize(a) for a in analyses)
    return Comparison(
        summaries=summaries,
        narratives=_narratives(summaries),
        groups=_groups(summaries),
        techniques=_techniques(summaries),
        entities=_entities(summaries),
    )


def _narratives(summaries: tuple[Summary, ...]) -> tuple[NarrativeRow, ...]:
    by: dict[str, dict[int, Scored]] = {}
    for i, s in enumerate(summaries):
        for n in s.narratives:
            by.setdefault(n.label, {})[i] = n
    rows = []
    for label, cells in by.items():
        display = next(iter(cells.values())).display
        scores = tuple(cells[i].score if i in cells else None for i in range(len(summaries)))
        dominant = tuple(bool(s.lead and s.lead.narrative.label == label) for s in summaries)
        rows.append(NarrativeRow(label, display, scores, dominant))
    return tuple(
        sorted(rows, key=lambda r: (-sum(x is not None for x in r.scores), -_best(r.scores), r.label))
    )


def _best(scores: tuple[float | None, ...]) -> float:
    return max((s for s in scores if s is not None), default=0.0)


def _groups(summaries: tuple[Summary, ...]) -> tuple[DensityRow, ...]:
    names = list(dict.fromkeys(g.name for s in summaries for g in s.groups))
    rows = [DensityRow(n, tuple(_density(s.groups, n) for s in summaries)) for n in names]
    return (*rows, DensityRow("all", tuple(s.total for s in summaries)))


def _techniques(summaries: tuple[Summary, ...]) -> tuple[DensityRow, ...]:
    totals: dict[str, int] = {}
    for s in summaries:
        for t in s.techniques:
            totals[t.name] = totals.get(t.name, 0) + t.count
    ranked = sorted(totals, key=lambda n: (-totals[n], n))
    return tuple(DensityRow(n, tuple(_density(s.techniques, n) for s in summaries)) for n in ranked)


def _density(rows: tuple[Density, ...], name: str) -> Density:
    return next((r for r in rows if r.name == name), Density(name, 0, 0.0))


def _entities(summaries: tuple[Summary, ...]) -> tuple[EntityRow, ...]:
    names: dict[str, str] = {}
    cells: dict[str, dict[int, CastMember]] = {}
    for i, s in enumerate(summaries):
        for m in s.cast:
            key = entity_key(m.name) or m.name
            names.setdefault(key, m.name)
            mine = cells.setdefault(key, {})
            if i in mine:  # two spellings in one article: one entity, the commoner spelling's role
                big, small = (m, mine[i]) if m.mentions > mine[i].mentions else (mine[i], m)
                m = replace(big, mentions=big.mentions + small.mentions)
            mine[i] = m
    rows = [EntityRow(names[k], tuple(c.get(i) for i in range(len(summaries)))) for k, c in cells.items()]

    def order(r: EntityRow) -> tuple[int, int, str]:
        present = sum(c is not None for c in r.cells)
        return (-present, -sum(c.mentions for c in r.cells if c), r.name.casefold())

    return tuple(sorted(rows, key=order))


def compare_json(analyses: Sequence[Analysis]) -> str:
    """The comparison as JSON (two-space indent, UTF-8 text kept as is): the compare page's twin."""
    return json.dumps(compare(analyses).to_dict(), ensure_ascii=False, indent=2)
