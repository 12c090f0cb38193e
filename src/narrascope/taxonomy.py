"""Narrative taxonomies as YAML files: the built-in SemEval-2025 one and the ones users write.

A taxonomy file::

    name: my-narratives            # required
    version: "1"                   # optional, default "1"
    other: Other                   # label when no narrative fits ("" for none), default "Other"
    other_child: "{parent}: Other" # label when a narrative fits and none of its children does ("" for none)
    narratives:
      - name: Energy blackmail
        description: One or two sentences on what the narrative claims.
        examples: ["A sentence an article pushing it might contain."]
      - name: "Energy blackmail: Winter threats"
        parent: Energy blackmail   # optional: a child (subnarrative) of a top-level narrative
        description: ...

Two levels: a label with a ``parent`` is a subnarrative, its parent must be a top-level narrative. Every
label needs a description or at least one example (zero-shot detection reads them).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from narrascope.types import NarrascopeError

BUILTIN = "semeval2025"
_TOP_KEYS = {"name", "version", "description", "other", "other_child", "narratives"}
_LABEL_KEYS = {"name", "description", "examples", "parent"}


class TaxonomyError(NarrascopeError):
    """A taxonomy file is unreadable or invalid; the message names the file and the entry."""


@dataclass(frozen=True)
class Label:
    """One narrative (``parent`` empty) or subnarrative of a taxonomy."""

    name: str
    description: str = ""
    examples: tuple[str, ...] = ()
    parent: str = ""

    @property
    def level(self) -> str:
        return "subnarrative" if self.parent else "narrative"

    @property
    def short_name(self) -> str:
        """The name without its parent's prefix (``"A: B"`` under ``"A"`` -> ``"B"``)."""
        prefix = self.parent + ":"
        return self.name[len(prefix) :].strip() if self.parent and self.name.startswith(prefix) else self.name

    def prototype_texts(self) -> list[str]:
        """The texts whose embeddings describe the label: short name with description, then examples."""
        head = f"{self.short_name}. {self.description}".strip() if self.description else self.short_name
        return [head, *self.examples]


@dataclass(frozen=True)
class Taxonomy:
    """A validated two-level taxonomy. ``digest`` is the SHA-256 of the file it was read from."""

    name: str
    labels: tuple[Label, ...]
    version: str = "1"
    other: str = "Other"
    other_child: str = ""
    digest: str = ""

    @property
    def narratives(self) -> tuple[Label, ...]:
        return tuple(lab for lab in self.labels if not lab.parent)

    @property
    def subnarratives(self) -> tuple[Label, ...]:
        return tuple(lab for lab in self.labels if lab.parent)

    def children(self, parent: str) -> tuple[Label, ...]:
        return tuple(lab for lab in self.labels if lab.parent == parent)

    def label(self, name: str) -> Label:
        for lab in self.labels:
            if lab.name == name:
                return lab
        raise KeyError(name)

    def other_of(self, parent: str) -> str:
        """The "no listed child fits" label of a narrative ("" when the taxonomy has none)."""
        return self.other_child.format(parent=parent) if self.other_child else ""

    def known(self, name: str) -> bool:
        """Whether ``name`` is a label, an "Other" label, or a parent's "Other" label of this taxonomy."""
        names = {lab.name for lab in self.labels}
        others = {self.other_of(lab.name) for lab in self.narratives}
        return name in names or name == self.other or name in others


def _fail(source: str, problem: str) -> TaxonomyError:
    return TaxonomyError(f"{source}: {problem}")


def _label(entry: Any, n: int, source: str) -> Label:
    where = f"narratives[{n}]"
    if not isinstance(entry, dict):
        raise _fail(source, f"{where} must be a mapping with name, description, examples, parent")
    unknown = set(entry) - _LABEL_KEYS
    if unknown:
        raise _fail(source, f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(source, f"{where}: name must be a non-empty string")
    description = entry.get("description") or ""
    examples = entry.get("examples") or []
    parent = entry.get("parent") or ""
    if not isinstance(description, str) or not isinstance(parent, str):
        raise _fail(source, f"{where} ({name}): description and parent must be strings")
    if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
        raise _fail(source, f"{where} ({name}): examples must be a list of non-empty strings")
    if not description.strip() and not examples:
        raise _fail(source, f"{where} ({name}): give a description or at least one example")
    return Label(name.strip(), description.strip(), tuple(e.strip() for e in examples), parent.strip())


def _check_hierarchy(labels: list[Label], source: str) -> None:
    seen: set[str] = set()
    for lab in labels:
        if lab.name in seen:
            raise _fail(source, f"label {lab.name!r} is defined twice")
        seen.add(lab.name)
    tops = {lab.name for lab in labels if not lab.parent}
    if not tops:
        raise _fail(source, "no top-level narrative (every label has a parent)")
    for lab in labels:
        if lab.parent and lab.parent not in tops:
            raise _fail(source, f"label {lab.name!r}: parent {lab.parent!r} is not a top-level narrative")


def parse_taxonomy(text: str, source: str = "<taxonomy>") -> Taxonomy:
    """Validate the YAML text of a taxonomy."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(source, f"not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise _fail(source, "expected a mapping with name and narratives")
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise _fail(source, f"unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(source, "name must be a non-empty string")
    entries = data.get("narratives")
    if not isinstance(entries, list) or not entries:
        raise _fail(source, "narratives must be a non-empty list")
    labels = [_label(e, n, source) for n, e in enumerate(entries)]
    _check_hierarchy(labels, source)
    other, other_child = data.get("other", "Other"), data.get("other_child", "")
    if not isinstance(other, str | None) or not isinstance(other_child, str | None):
        raise _fail(source, "other and other_child must be strings")
    if other_child and "{parent}" not in other_child:
        raise _fail(source, "other_child must contain {parent}, e.g. '{parent}: Other'")
    return Taxonomy(
        name=name.strip(),
        labels=tuple(labels),
        version=str(data.get("version", "1")),
        other=other or "",
        other_child=other_child or "",
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read and validate a taxonomy YAML file (raises ``TaxonomyError`` naming the file and the problem)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(str(path), f"cannot read ({exc})") from exc
    return parse_taxonomy(text, str(path))


def builtin_path(name: str = BUILTIN) -> Path:
    return Path(str(resources.files("narrascope") / "data" / "taxonomies" / f"{name}.yaml"))


def builtin_taxonomy(name: str = BUILTIN) -> Taxonomy:
    """A taxonomy shipped with the package (``semeval2025``: SemEval-2025 Task 10 narratives)."""
    return load_taxonomy(builtin_path(name))
