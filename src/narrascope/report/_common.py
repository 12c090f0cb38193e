"""Helpers shared by the renderers: which taxonomy a task uses, kinds of findings, safe snippets."""

from __future__ import annotations

import re
import unicodedata

from narrascope.labels import LabelInfo, label_info
from narrascope.types import Finding, Span

# the label taxonomy (``narrascope.labels`` kind) of each built-in task; other tasks fall back to plain names
TASK_KINDS = {
    "techniques": "techniques",
    "genre": "genres",
    "frames": "frames",
    "framing": "roles",
    "entities": "roles",
    "roles": "roles",
    "claims": "claims",
}
TASK_TITLES = {"framing": "Entities", "frames": "Frames", "genre": "Genre", "claims": "Claims"}
_SPACES = re.compile(r"\s+")


def info(task: str, label: str) -> LabelInfo:
    return label_info(TASK_KINDS.get(task, ""), label)


def task_title(task: str) -> str:
    return TASK_TITLES.get(task, task.replace("_", " ").capitalize())


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
