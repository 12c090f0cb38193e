"""Label definitions shipped as package data (``narrascope/data/labels/*.yaml``).

Each kind of label (``techniques``, ``genres``, ``frames``, ``roles``, ``claims``) has a display name, a
one-line definition in our own words, an invented example, a category, a colour and, for fine roles, a
parent (the main role). Names not in a taxonomy still get a :class:`LabelInfo` from :func:`label_info`,
so reports render findings of user taxonomies too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

KINDS = ("techniques", "genres", "frames", "roles", "claims")
FALLBACK_COLOR = "#e0e0e0"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_FIELDS = ("display", "definition", "example", "category", "color", "parent")


@dataclass(frozen=True)
class LabelInfo:
    """What a report needs to show one label."""

    name: str
    display: str
    definition: str = ""
    example: str = ""
    category: str = ""
    color: str = FALLBACK_COLOR
    parent: str = ""


def is_hex_color(value: str) -> bool:
    """``#rrggbb``, nothing else (so a colour is always safe to put in CSS)."""
    return bool(_HEX.match(value))


def _entry(kind: str, name: str, raw: Any) -> LabelInfo:
    where = f"labels/{kind}.yaml: {name!r}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a mapping")
    unknown = set(raw) - set(_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown fields {sorted(unknown)}")
    values = {k: str(raw.get(k, "")).strip() for k in _FIELDS}
    if not values["display"] or not values["definition"]:
        raise ValueError(f"{where}: display and definition are required")
    if not values["color"]:
        values["color"] = FALLBACK_COLOR
    if not is_hex_color(values["color"]):
        raise ValueError(f"{where}: colour {values['color']!r} is not #rrggbb")
    return LabelInfo(name=name, **values)


@cache
def _load(kind: str) -> MappingProxyType[str, LabelInfo]:
    if kind not in KINDS:
        raise ValueError(f"unknown label kind {kind!r}; kinds: {', '.join(KINDS)}")
    source = resources.files("narrascope").joinpath("data", "labels", f"{kind}.yaml")
    raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"labels/{kind}.yaml: expected a mapping of label names")
    table = {str(name): _entry(kind, str(name), entry) for name, entry in raw.items()}
    for name, info in table.items():
        if info.parent and info.parent not in table:
            raise ValueError(f"labels/{kind}.yaml: {name!r} has unknown parent {info.parent!r}")
        if info.parent and "color" not in raw[name]:
            # a fine role without its own colour wears its main role's
            table[name] = replace(info, color=table[info.parent].color)
    return MappingProxyType(table)


def labels(kind: str) -> dict[str, LabelInfo]:
    """Every label of ``kind`` in file order, as a fresh dict (the cached data are never mutated)."""
    return dict(_load(kind))


def fallback_info(name: str) -> LabelInfo:
    """The :class:`LabelInfo` of a name no taxonomy knows: underscores read as spaces, grey."""
    return LabelInfo(name=name, display=name.replace("_", " ").strip() or name)


def label_info(kind: str, name: str) -> LabelInfo:
    """The definition of ``name`` in ``kind``; a plain fallback for names (or kinds) we do not ship."""
    table = _load(kind) if kind in KINDS else MappingProxyType({})
    return table.get(name) or fallback_info(name)


__all__ = ["FALLBACK_COLOR", "KINDS", "LabelInfo", "fallback_info", "is_hex_color", "label_info", "labels"]
