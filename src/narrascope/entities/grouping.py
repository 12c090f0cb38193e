"""Group the mentions of one entity: the actor alias table first, then persons by full-name containment and
last name (``Vladimir Zelensky`` ... ``Zelensky``), then by normalised string."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from narrascope.entities.aliases import actor_type, canonical_actor, normalise


@dataclass(frozen=True)
class EntityMention:
    """A mention of an entity: ``[start, end)`` of the text, its surface string, the canonical name of the
    entity it belongs to, and a type (``PERSON``, ``ORG``, ``GPE``, ``NORP``, ``NAME``)."""

    start: int
    end: int
    text: str
    entity: str
    type: str


def _title(surface: str) -> str:
    s = " ".join(surface.split()).strip(" \"'“”‘’«»„()[],.;:!?")
    for det in ("the ", "The "):
        s = s.removeprefix(det)
    return s.removesuffix("'s").removesuffix("’s")


def _personal(typ: str, title: str, words: list[str]) -> bool:
    """A full name a later last name may refer to: a person (or untyped name) of 2-4 capitalised words."""
    parts = title.split()
    named = typ == "PERSON" or (typ == "NAME" and all(p[:1].isupper() for p in parts))
    return named and 2 <= len(words) <= 4


def canonical_names(surfaces: Sequence[str], types: Sequence[str]) -> list[str]:
    """One canonical entity name per mention (same order). Known actors map to their table name; a one-word
    person mention joins the earlier or later full name it ends (or is contained in); other mentions join
    any mention of the same normalised form."""
    names: list[str] = []
    persons: dict[str, str] = {}  # last word (normalised) -> full canonical name
    for surface, typ in zip(surfaces, types, strict=True):
        actor = canonical_actor(surface)
        if actor:
            names.append(actor)
            continue
        title = _title(surface)
        words = normalise(title).split()
        if _personal(typ, title, words):
            persons.setdefault(words[-1], title)
        names.append(title)
    out = []
    for name, typ in zip(names, types, strict=True):
        words = normalise(name).split()
        if len(words) == 1 and words[0] in persons and typ in ("PERSON", "NAME"):
            name = persons[words[0]]
        out.append(name)
    return _merge_case(out)


def _merge_case(names: list[str]) -> list[str]:
    """The first spelling of names equal once normalised (``NATO``/``Nato``) stands for all."""
    first: dict[str, str] = {}
    return [first.setdefault(normalise(n), n) for n in names]


def entity_type(canonical: str, found: str) -> str:
    """A mention's type: the actor table's when it knows the entity, else what the finder said."""
    return actor_type(canonical) or found
