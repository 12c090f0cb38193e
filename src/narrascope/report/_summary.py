"""What an analysis says at a glance, gathered once: the summary above the text, and the compare page's rows.

Pure functions of an :class:`Analysis`; no HTML here. The headline is the article's title, or else its first
non-empty line; density counts the located technique findings per 1,000 words (whitespace-separated tokens).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from narrascope.labels import labels
from narrascope.report._common import (
    clean,
    document_level,
    entities,
    entity_name,
    fine_roles,
    info,
    located,
)
from narrascope.types import Analysis, Finding, Span

HEADLINE_CHARS = 160
CHECK_FIRST = 3  # check-worthy sentences the summary names
MAIN_ROLES = ("Protagonist", "Antagonist", "Innocent")
OTHER_GROUP = "Other"


@dataclass(frozen=True)
class Scored:
    """A document-level label with its display name and score."""

    label: str
    display: str
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "display": self.display, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Lead:
    """The dominant narrative, its strongest evidence sentence and its best subnarrative."""

    narrative: Scored
    evidence: Span | None = None
    sentence: str = ""
    subnarrative: Scored | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "narrative": self.narrative.to_dict(),
            "evidence": self.evidence.to_dict() if self.evidence else None,
            "sentence": self.sentence,
            "subnarrative": self.subnarrative.to_dict() if self.subnarrative else None,
        }


@dataclass(frozen=True)
class CastMember:
    """An entity with its main role, fine roles, how often the article mentions it, and how many of those
    mentions carry that main role (``agree``)."""

    name: str
    role: str
    fine_roles: tuple[str, ...]
    mentions: int
    score: float
    agree: int = 0  # 0: not known (an older framing detector); else at most ``mentions``

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "main_role": self.role,
            "fine_roles": list(self.fine_roles),
            "mentions": self.mentions,
            "agree": self.agree or None,
            "score": round(self.score, 4),
        }


@dataclass(frozen=True)
class Density:
    """Located findings of one technique group (or one technique), and their rate per 1,000 words."""

    name: str
    count: int
    per_1000: float

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "count": self.count, "per_1000_words": round(self.per_1000, 2)}


@dataclass(frozen=True)
class CheckFirst:
    """A check-worthy sentence a fact-checker should verify first: its text and span, its calibrated score,
    and how many known claims it restates."""

    sentence: str
    span: Span
    score: float
    known: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "start": self.span.start,
            "end": self.span.end,
            "score": round(self.score, 4),
            "known_claims": self.known,
        }


@dataclass(frozen=True)
class Summary:
    id: str
    headline: str
    outlet: str
    published: str
    lang: str
    words: int
    genre: Scored | None
    lead: Lead | None
    narratives: tuple[Scored, ...]  # narrative level, best first
    cast: tuple[CastMember, ...]  # by main role (protagonist, antagonist, innocent), then most mentioned
    groups: tuple[Density, ...]  # every technique group, taxonomy order, then any other
    techniques: tuple[Density, ...]  # the techniques found, most frequent first
    total: Density
    measured: bool = True  # the techniques detector ran (else the densities are zeros that mean nothing)
    check_first: tuple[CheckFirst, ...] = ()  # at most CHECK_FIRST, those restating known claims first
    check_worthy: int | None = None  # check-worthy sentences found; None when the claims detector did not run

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "headline": self.headline,
            "outlet": self.outlet,
            "published": self.published,
            "lang": self.lang,
            "words": self.words,
            "genre": self.genre.to_dict() if self.genre else None,
            "dominant_narrative": self.lead.to_dict() if self.lead else None,
            "narratives": [n.to_dict() for n in self.narratives],
            "cast": [c.to_dict() for c in self.cast],
            "techniques_per_1000_words": round(self.total.per_1000, 2) if self.measured else None,
            "technique_count": self.total.count if self.measured else None,
            "groups": [g.to_dict() for g in self.groups],
            "techniques": [t.to_dict() for t in self.techniques],
            "check_worthy_count": self.check_worthy,
            "check_first": [c.to_dict() for c in self.check_first],
        }


def headline(analysis: Analysis) -> str:
    """The article's title, else its first non-empty line (cut at ``HEADLINE_CHARS``), else its id."""
    art = analysis.document.article
    if art.title.strip():
        return _cut(clean(art.title))
    for line in analysis.document.text.split("\n"):
        if line.strip():
            return _cut(clean(line))
    return f"Article {clean(art.id)}" if art.id else "Article"


def _cut(s: str) -> str:
    return s if len(s) <= HEADLINE_CHARS else s[: HEADLINE_CHARS - 1].rstrip() + "…"


def summarize(analysis: Analysis) -> Summary:
    doc = analysis.document
    art = doc.article
    words = len(doc.text.split())
    groups, found, total = density(analysis, words)
    return Summary(
        id=art.id,
        headline=headline(analysis),
        outlet=art.outlet,
        published=art.published,
        lang=doc.lang,
        words=words,
        genre=_top(analysis, "genre"),
        lead=lead(analysis),
        narratives=_narratives(analysis),
        cast=cast(analysis),
        groups=groups,
        techniques=found,
        total=total,
        measured=analysis.result("techniques") is not None,
        check_first=check_first(analysis),
        check_worthy=_check_worthy(analysis),
    )


def _claim_sentences(analysis: Analysis) -> list[Finding]:
    result = analysis.result("claims")
    return [f for f in located(result.findings) if f.attr("level") == "sentence"] if result else []


def _check_worthy(analysis: Analysis) -> int | None:
    return None if analysis.result("claims") is None else len(_claim_sentences(analysis))


def check_first(analysis: Analysis) -> tuple[CheckFirst, ...]:
    """The check-worthy sentences to verify first: those restating the most known claims, then the highest
    scores; at most ``CHECK_FIRST``."""
    result = analysis.result("claims")
    if result is None:
        return ()
    known = Counter(f.span for f in located(result.findings) if f.attr("level") == "match")
    text = analysis.document.text
    found = [
        CheckFirst(clean(f.span.text_of(text)), f.span, f.score, known[f.span])
        for f in _claim_sentences(analysis)
        if f.span is not None
    ]
    found.sort(key=lambda c: (-c.known, -c.score, c.span.start))
    return tuple(found[:CHECK_FIRST])


def _scored(task: str, f: Finding) -> Scored:
    return Scored(f.label, info(task, f.label).display, f.score)


def _top(analysis: Analysis, task: str) -> Scored | None:
    result = analysis.result(task)
    best = document_level(result.findings) if result else []
    return _scored(task, best[0]) if best else None


def _narratives(analysis: Analysis) -> tuple[Scored, ...]:
    result = analysis.result("narratives")
    if result is None:
        return ()
    found = [f for f in document_level(result.findings) if f.attr("level", "narrative") == "narrative"]
    return tuple(_scored("narratives", f) for f in found)


def lead(analysis: Analysis) -> Lead | None:
    """The narrative marked ``dominant`` (else the best narrative-level one) and its first evidence."""
    result = analysis.result("narratives")
    if result is None:
        return None
    found = [f for f in document_level(result.findings) if f.attr("level", "narrative") == "narrative"]
    if not found:
        return None
    top = next((f for f in found if f.attr("dominant") == "true"), found[0])
    subs = [
        f
        for f in document_level(result.findings)
        if f.attr("level") == "subnarrative" and f.attr("parent") == top.label
    ]
    text = analysis.document.text
    evidence = next((e for e in top.evidence if 0 <= e.start < e.end <= len(text)), None)
    sentence = clean(evidence.text_of(text)) if evidence else ""
    sub = _scored("narratives", subs[0]) if subs else None
    parent = info("narratives", top.label).display
    if sub and sub.display.startswith(parent + ":") and len(sub.display) > len(parent) + 1:
        sub = Scored(sub.label, sub.display[len(parent) + 1 :].strip(), sub.score)
    return Lead(_scored("narratives", top), evidence, sentence, sub)


def cast(analysis: Analysis) -> tuple[CastMember, ...]:
    """The framing detector's entities: its entity-level summary when it gives one, else its mentions
    grouped by entity name (majority main role)."""
    result = analysis.result("framing")
    if result is None:
        return ()
    text = analysis.document.text
    found = entities(result.findings)
    summary = [f for f in found if f.attr("level") == "entity"]
    members = [_member(f, text) for f in summary] if summary else _from_mentions(found, text)
    order = {r: i for i, r in enumerate(MAIN_ROLES)}
    return tuple(sorted(members, key=lambda m: (order.get(m.role, len(order)), -m.mentions, m.name)))


def _member(f: Finding, text: str) -> CastMember:
    mentions, agree = f.attr("mentions"), f.attr("agree")
    return CastMember(
        name=clean(entity_name(f, text)),
        role=f.attr("main_role"),
        fine_roles=tuple(fine_roles(f)),
        mentions=int(mentions) if mentions.isdigit() else 1,
        score=f.score,
        agree=int(agree) if agree.isdigit() else 0,
    )


def _from_mentions(found: list[Finding], text: str) -> list[CastMember]:
    by: dict[str, list[Finding]] = {}
    for f in found:
        by.setdefault(entity_name(f, text), []).append(f)
    members = []
    for name, items in by.items():
        votes = Counter(f.attr("main_role") for f in items)
        role = max(votes, key=lambda r: (votes[r], r))
        fines = Counter(r for f in items if f.attr("main_role") == role for r in fine_roles(f))
        score = sum(f.score for f in items if f.attr("main_role") == role) / votes[role]
        roles = tuple(r for r, _ in fines.most_common(3))
        members.append(CastMember(clean(name), role, roles, len(items), score, votes[role]))
    return members


def technique_groups() -> tuple[str, ...]:
    """The technique groups (categories) of the shipped taxonomy, in file order."""
    return tuple(dict.fromkeys(li.category for li in labels("techniques").values() if li.category))


def group_of(label: str) -> str:
    return info("techniques", label).category or OTHER_GROUP


def density(analysis: Analysis, words: int) -> tuple[tuple[Density, ...], tuple[Density, ...], Density]:
    """Per group (every shipped group, then any other), per technique found, and in all."""
    result = analysis.result("techniques")
    found = located(result.findings) if result else []

    def rate(n: int) -> float:
        return n * 1000.0 / words if words else 0.0

    by_group = Counter(group_of(f.label) for f in found)
    names = list(technique_groups()) + sorted(set(by_group) - set(technique_groups()))
    groups = tuple(Density(g, by_group[g], rate(by_group[g])) for g in names)
    by_label = Counter(f.label for f in found)
    ranked = sorted(by_label.items(), key=lambda kv: (-kv[1], kv[0]))
    techniques = tuple(Density(label, n, rate(n)) for label, n in ranked)
    return groups, techniques, Density("all", len(found), rate(len(found)))
