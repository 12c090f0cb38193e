"""Label definitions shipped as package data (``narrascope/data/labels/<kind>.yaml``).

The kinds of label are those the registered detectors' specs declare (``DetectorSpec.label_kind``;
:func:`label_kinds`), not a list kept here: today ``techniques``, ``genres``, ``frames``, ``roles`` and
``claims``. Each label of a kind has a display name, a one-line definition in our own words, an invented
example, a category, a colour and, for fine roles, a parent (the main role). A kind a detector declares
without a shipped file (a plugin's own) has no definitions, and names not in a taxonomy still get a
:class:`LabelInfo` from :func:`label_info`, so reports render findings of user taxonomies too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

FALLBACK_COLOR = "#e0e0e0"
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_KIND = re.compile(r"^[a-z][a-z0-9_-]*$")  # a kind names a file under data/labels, so no path in it
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


def is_kind_name(value: str) -> bool:
    """A label kind's name: lower-case letters, digits, ``_`` and ``-`` (it names a file, so never a path)."""
    return bool(_KIND.match(value))


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


def label_kinds() -> tuple[str, ...]:
    """Every label kind a registered detector's spec declares, sorted (built-in detectors and plugins)."""
    from narrascope.analyze.base import specs  # lazily: the detectors' modules import this one

    return tuple(sorted({s.label_kind for s in specs().values() if s.label_kind}))


@cache
def _shipped(kind: str) -> MappingProxyType[str, LabelInfo] | None:
    """The labels of ``kind`` as its shipped file defines them; None when no file is shipped for it."""
    if not is_kind_name(kind):
        return None
    source = resources.files("narrascope").joinpath("data", "labels", f"{kind}.yaml")
    if not source.is_file():
        return None
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


def _load(kind: str) -> MappingProxyType[str, LabelInfo]:
    table = _shipped(kind)
    if table is not None:
        return table
    kinds = label_kinds()  # only read here: the detectors' modules read shipped kinds while they register
    if kind in kinds:
        return MappingProxyType({})  # a kind a detector declares and we ship no definitions of
    raise ValueError(f"unknown label kind {kind!r}; kinds: {', '.join(kinds)}")


def labels(kind: str) -> dict[str, LabelInfo]:
    """Every label of ``kind`` in file order, as a fresh dict (the cached data are never mutated)."""
    return dict(_load(kind))


def fallback_info(name: str) -> LabelInfo:
    """The :class:`LabelInfo` of a name no taxonomy knows: underscores read as spaces, grey."""
    return LabelInfo(name=name, display=name.replace("_", " ").strip() or name)


def label_info(kind: str, name: str) -> LabelInfo:
    """The definition of ``name`` in ``kind``; a plain fallback for names (or kinds) we do not ship."""
    table = _shipped(kind) or MappingProxyType({})
    return table.get(name) or fallback_info(name)


__all__ = [
    "FALLBACK_COLOR",
    "LabelInfo",
    "fallback_info",
    "is_hex_color",
    "is_kind_name",
    "label_info",
    "label_kinds",
    "labels",
]
