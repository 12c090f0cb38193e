"""Entities of an article: mentions found by NER (or a heuristic), grouped by entity.

``find_entities(text, lang)`` is the one call: mentions in text order, each with its entity's canonical name.
"""

from __future__ import annotations

from collections.abc import Sequence

from narrascope.entities.aliases import ACTORS, canonical_actor, normalise
from narrascope.entities.finders import RawMention, find_mentions
from narrascope.entities.grouping import EntityMention, canonical_names, entity_type


def group(mentions: Sequence[RawMention]) -> list[EntityMention]:
    """Mentions with the canonical name of their entity (see ``grouping.canonical_names``)."""
    names = canonical_names([m.text for m in mentions], [m.type for m in mentions])
    return [
        EntityMention(m.start, m.end, m.text, name, entity_type(name, m.type))
        for m, name in zip(mentions, names, strict=True)
    ]


def find_entities(text: str, lang: str, prefer_ner: bool = True) -> list[EntityMention]:
    """Entity mentions of ``text`` in text order, grouped; ``prefer_ner=False`` uses the fast heuristic."""
    return group(find_mentions(text, lang, prefer_ner))


def overlap_counts(found: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]]) -> tuple[int, int]:
    """(found spans overlapping a gold span, gold spans overlapped by a found span): precision and recall
    numerators of overlap matching."""

    def hits(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> int:
        return sum(any(s < e2 and s2 < e for s2, e2 in b) for s, e in a)

    return hits(found, gold), hits(gold, found)


__all__ = [
    "ACTORS",
    "EntityMention",
    "RawMention",
    "canonical_actor",
    "find_entities",
    "find_mentions",
    "group",
    "normalise",
    "overlap_counts",
]
