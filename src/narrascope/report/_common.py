"""Helpers shared by the renderers: which taxonomy a task uses, kinds of findings, safe snippets."""

from __future__ import annotations

import re
import unicodedata

from narrascope.analyze.base import task_spec
from narrascope.analyze.spec import default_title
from narrascope.labels import LabelInfo, label_info
from narrascope.types import Finding, Span

# the label kind of tasks whose detector declares none (or is not installed), as a stored analysis may have
_KIND_ALIASES = {"entities": "roles", "roles": "roles"}
_SPACES = re.compile(r"\s+")


def task_kind(task: str) -> str:
    """The ``narrascope.labels`` kind of a task's labels, from its detector's spec ("" for plain names)."""
    spec = task_spec(task)
    return (spec.label_kind if spec is not None else None) or _KIND_ALIASES.get(task, "")


def info(task: str, label: str) -> LabelInfo:
    return label_info(task_kind(task), label)


def task_title(task: str) -> str:
    """A task's report section title, from its detector's spec (from its name when none is registered)."""
    spec = task_spec(task)
    return spec.title if spec is not None else default_title(task)


def is_entity(f: Finding) -> bool:
    """An entity mention with a role (the framing detector): its attrs carry ``main_role``."""
    return bool(f.attr("main_role"))


def located(findings: tuple[Finding, ...]) -> list[Finding]:
    """Located findings that are not entity mentions, in text order."""
    found = [f for f in findings if f.start is not None and not is_entity(f)]
    return sorted(found, key=lambda f: (f.start or 0, f.end or 0, f.label))


def document_level(findings: tuple[Finding, ...]) -> list[Finding]:
    """Findings about the whole document, best first."""
    found = [f for f in findings if f.start is None and not is_entity(f)]
    return sorted(found, key=lambda f: (-f.score, f.label))


def entities(findings: tuple[Finding, ...]) -> list[Finding]:
    return sorted((f for f in findings if is_entity(f)), key=lambda f: (f.start or 0, f.label))


def entity_name(f: Finding, text: str) -> str:
    if f.attr("entity"):
        return f.attr("entity")
    if f.start is not None and f.end is not None and f.end > f.start:
        return text[f.start : f.end]
    return f.label


def fine_roles(f: Finding) -> list[str]:
    """Fine roles from any ``fine_role*`` attribute, split on commas or semicolons."""
    roles: list[str] = []
    for key, value in f.attrs:
        if key.startswith("fine_role"):
            roles += [r.strip() for r in re.split(r"[,;]", value) if r.strip()]
    return roles


def other_attrs(f: Finding) -> list[tuple[str, str]]:
    """Attributes not already shown as roles."""
    return [(k, v) for k, v in f.attrs if k not in ("main_role", "entity") and not k.startswith("fine_role")]


def clean(s: str) -> str:
    """Whitespace collapsed to single spaces and control characters made visible (safe on a terminal)."""
    s = _SPACES.sub(" ", s).strip()
    return "".join("\ufffd" if unicodedata.category(c) == "Cc" else c for c in s)


def snippet(text: str, span: Span, limit: int = 80) -> str:
    """The span's text on one line, at most ``limit`` characters (an ellipsis marks a cut)."""
    s = clean(span.text_of(text))
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def clip(span: Span, length: int) -> Span | None:
    """The part of ``span`` inside ``[0, length)``; None when nothing is left."""
    start, end = min(span.start, length), min(span.end, length)
    return Span(start, end) if end > start else None
