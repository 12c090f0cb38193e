"""What a detector declares about itself, once, for the rest of the house to read: a ``DetectorSpec``.

A spec is registered with its factory (``register("framing.v2", SPEC)``; a plugin's factory carries it as its
``spec`` attribute). The report reads the title and the label kind, the pipeline the default detector set,
``narrascope train`` the trainer, and the conformance suite checks every finding's attributes against the
schema. A detector registered without one gets ``minimal_spec``: its task's name as title, nothing else
declared, so its attributes are only checked to be strings.

Finding attributes are strings (``Finding.attrs``); an ``Attr`` says how its string reads:

- ``str``: any text (or one of ``values``);
- ``int``: a whole number, ``"3"``; ``float``: a number, ``"0.25"``;
- ``bool``: ``"true"`` or ``"false"``;
- ``list``: comma-joined items (each one of ``values`` when given), ``""`` for none.

A spec also carries the writers of its official formats (``writers``: an ``ArticleFormat`` for a format
written article by article, a ``SentenceFormat`` for one over a file of sentences), defined in its detector's
package (``analyze/<task>/formats.py``); ``narrascope predict`` reads them from the built-in specs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from narrascope.labels import is_kind_name
from narrascope.types import Analysis, Finding

AttrType = Literal["str", "int", "float", "bool", "list"]
ATTR_TYPES: tuple[AttrType, ...] = ("str", "int", "float", "bool", "list")
_INT = re.compile(r"^-?\d+$")


@dataclass(frozen=True)
class Attr:
    """One finding attribute a detector may set: its name, how its string reads, and what it means."""

    name: str
    type: AttrType
    description: str
    values: tuple[str, ...] | None = None  # the allowed values (of each item, for a list); None: any

    def __post_init__(self) -> None:
        if self.type not in ATTR_TYPES:
            raise ValueError(f"attribute {self.name!r}: type {self.type!r} is not one of {ATTR_TYPES}")
        if self.values is not None:
            object.__setattr__(self, "values", tuple(self.values))

    def problem(self, value: str) -> str | None:
        """Why ``value`` does not meet this attribute's declaration, or None when it does."""
        if not isinstance(value, str):
            return f"{self.name}={value!r} is not a string"
        if self.type == "int" and not _INT.match(value):
            return f"{self.name}={value!r} is not a whole number"
        if self.type == "float":
            try:
                float(value)
            except ValueError:
                return f"{self.name}={value!r} is not a number"
        if self.type == "bool" and value not in ("true", "false"):
            return f"{self.name}={value!r} is not 'true' or 'false'"
        items = [v.strip() for v in value.split(",") if v.strip()] if self.type == "list" else [value]
        if self.values is not None:
            bad = [v for v in items if v not in self.values]
            if bad:
                return f"{self.name}={value!r}: {', '.join(map(repr, bad))} not among {list(self.values)}"
        return None

    def to_dict(self) -> dict[str, Any]:
        """As ``/api/detectors`` shows it: ``values`` a list, or None for any value."""
        values = list(self.values) if self.values is not None else None
        return {"name": self.name, "type": self.type, "description": self.description, "values": values}


@dataclass(frozen=True)
class ArticleFormat:
    """An official format written article by article (``narrascope predict`` over a folder of ``*.txt``):
    ``rows`` gives one analysed article's lines, without their newlines."""

    name: str
    rows: Callable[[Analysis], list[str]]


@dataclass(frozen=True)
class SentenceFormat:
    """An official format over one file of sentences, not articles (CheckThat! 2024 Task 1):
    ``write(source, out, detector)`` reads ``source``, writes the whole submission to ``out`` with the
    detector named ``detector`` (None: the newest of the spec's task) and returns how many sentences it
    wrote."""

    name: str
    write: Callable[[Path, Path, str | None], int]


OfficialFormat = ArticleFormat | SentenceFormat


def file_of(analysis: Analysis) -> str:
    """The article's file name, as the SemEval-2025 formats name an article (its ``file`` meta, else
    ``<id>.txt``)."""
    article = analysis.document.article
    return dict(article.meta).get("file", article.id + ".txt")


@dataclass(frozen=True)
class DetectorSpec:
    """One detector's declaration.

    ``task``: the task it serves (``framing``; a mode ``techniques-en.v1`` serves ``techniques``);
    ``title``: its report section's title (default: the task's name, capitalised); ``label_kind``: the
    ``narrascope.labels`` kind its labels are (None: plain names), and so one of ``labels.label_kinds()``;
    its definitions are ``data/labels/<kind>.yaml`` where we ship one; ``default``: its family (the name
    without the version) is in the default detector set; ``trainer``: ``"module:function"``, the recipe
    ``narrascope train NAME`` runs (a function of one ``narrascope.train.TrainJob``), None when it has none;
    ``formats``: the official formats ``narrascope predict`` writes from it (default: its writers' names);
    ``attributes``: the finding attributes it may set (None: not declared, any string attribute passes);
    ``writers``: the writers of its formats, from its own package (each one's name among ``formats``).
    """

    task: str
    title: str = ""
    label_kind: str | None = None
    default: bool = False
    trainer: str | None = None
    formats: tuple[str, ...] = ()
    attributes: tuple[Attr, ...] | None = field(default=None)
    writers: tuple[OfficialFormat, ...] = ()

    def __post_init__(self) -> None:
        if not self.task:
            raise ValueError("a detector spec needs its task")
        if not self.title:
            object.__setattr__(self, "title", default_title(self.task))
        if self.label_kind is not None and not is_kind_name(self.label_kind):
            raise ValueError(f"{self.task}: label kind {self.label_kind!r} is not a name like 'techniques'")
        if self.trainer is not None and not re.match(r"^[\w.]+:\w+$", self.trainer):
            raise ValueError(f"{self.task}: trainer {self.trainer!r} is not 'module:function'")
        writers = tuple(self.writers)
        object.__setattr__(self, "writers", writers)
        object.__setattr__(self, "formats", tuple(self.formats) or tuple(w.name for w in writers))
        unnamed = [w.name for w in writers if w.name not in self.formats]
        if unnamed:
            raise ValueError(f"{self.task}: writers of formats it does not name: {', '.join(unnamed)}")
        if self.attributes is not None:
            attrs = tuple(self.attributes)
            names = [a.name for a in attrs]
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"{self.task}: attributes declared twice: {', '.join(dupes)}")
            object.__setattr__(self, "attributes", attrs)

    def to_dict(self) -> dict[str, Any]:
        """What a client reads of it (``/api/detectors``): task, title, label kind, formats and the attribute
        schema (None: not declared). The trainer, the default flag and the writers concern this installation
        only."""
        attributes = [a.to_dict() for a in self.attributes] if self.attributes is not None else None
        return {
            "task": self.task,
            "title": self.title,
            "label_kind": self.label_kind,
            "formats": list(self.formats),
            "attributes": attributes,
        }

    def writer(self, name: str) -> OfficialFormat | None:
        """The writer of the official format ``name``, None when the spec has none."""
        return next((w for w in self.writers if w.name == name), None)

    def attribute(self, name: str) -> Attr | None:
        return next((a for a in self.attributes or () if a.name == name), None)

    def problems(self, finding: Finding) -> list[str]:
        """What in ``finding``'s attributes this spec does not declare, or declares otherwise."""
        out = []
        for key, value in finding.attrs:
            if not isinstance(key, str) or not isinstance(value, str):
                out.append(f"attribute {key!r}={value!r}: attributes are strings")
                continue
            if self.attributes is None:
                continue
            declared = self.attribute(key)
            if declared is None:
                known = ", ".join(a.name for a in self.attributes) or "none"
                out.append(f"attribute {key!r} is not declared in the {self.task} spec (declared: {known})")
                continue
            problem = declared.problem(value)
            if problem:
                out.append(problem)
        return out


def default_title(task: str) -> str:
    """A report title from a task's name: ``my_task`` -> ``My task``."""
    return task.replace("_", " ").capitalize()


def minimal_spec(task: str) -> DetectorSpec:
    """The spec of a detector registered without one: its task, a title from its name, nothing declared."""
    return DetectorSpec(task=task)
