"""Core value types. Frozen dataclasses, no third-party imports.

Every offset is a character offset into ``Article.text`` (Python ``str`` indices), half-open ``[start, end)``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields
from typing import Any

SCHEMA_VERSION = "1.0"


def content_id(text: str) -> str:
    """Stable id of a text: the first 16 hex digits of its SHA-256 (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Span:
    """A half-open character range ``[start, end)`` of ``Article.text``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def text_of(self, text: str) -> str:
        return text[self.start : self.end]

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(int(d["start"]), int(d["end"]))


@dataclass(frozen=True)
class Article:
    """One input document after ingest: its text and metadata.

    ``text`` is the stored text; every finding indexes it. ``id`` is the caller's id when one was given
    (file name, id column), else the content hash of ``text``.
    """

    text: str
    id: str = ""
    source: str = ""
    url: str = ""
    outlet: str = ""
    published: str = ""
    title: str = ""
    lang: str = ""
    meta: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", content_id(self.text))

    @property
    def content_hash(self) -> str:
        return content_id(self.text)

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["meta"] = dict(self.meta)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        kw = {f.name: d[f.name] for f in fields(cls) if f.name in d}
        kw["meta"] = tuple(sorted((str(k), str(v)) for k, v in dict(d.get("meta", {})).items()))
        return cls(**kw)


@dataclass(frozen=True)
class Document:
    """An article prepared for analysis: detected language and segmentation, offsets into ``article.text``."""

    article: Article
    lang: str
    lang_score: float
    sentences: tuple[Span, ...]
    paragraphs: tuple[Span, ...]

    @property
    def text(self) -> str:
        return self.article.text

    def sentence_texts(self) -> list[str]:
        return [s.text_of(self.article.text) for s in self.sentences]


@dataclass(frozen=True)
class Finding:
    """One finding of a detector.

    A document-level label has no span (``start``/``end`` are ``None``); a located finding has both.
    ``evidence`` lists the sentences (spans) that carry a document-level finding, best first.
    ``attrs`` holds detector-specific string attributes (e.g. an entity's fine roles).
    """

    label: str
    score: float
    start: int | None = None
    end: int | None = None
    evidence: tuple[Span, ...] = ()
    attrs: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # scores are kept to 4 decimals so that the JSON form round-trips exactly
        object.__setattr__(self, "score", round(float(self.score), 4))
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end must both be set or both be None")
        if self.start is not None and self.end is not None and not 0 <= self.start <= self.end:
            raise ValueError(f"invalid finding span [{self.start}, {self.end})")

    @property
    def span(self) -> Span | None:
        if self.start is None or self.end is None:
            return None
        return Span(self.start, self.end)

    def attr(self, key: str, default: str = "") -> str:
        return dict(self.attrs).get(key, default)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"label": self.label, "score": self.score}
        if self.start is not None:
            d["start"], d["end"] = self.start, self.end
        if self.evidence:
            d["evidence"] = [e.to_dict() for e in self.evidence]
        if self.attrs:
            d["attrs"] = dict(self.attrs)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(
            label=d["label"],
            score=float(d["score"]),
            start=d.get("start"),
            end=d.get("end"),
            evidence=tuple(Span.from_dict(e) for e in d.get("evidence", [])),
            attrs=tuple(sorted(dict(d.get("attrs", {})).items())),
        )


def task_of(detector: str) -> str:
    """The task a detector name serves: ``genre.v1`` -> ``genre``. A name ``task-mode.vN`` is another mode
    of ``task`` (``techniques-en.v1`` -> ``techniques``): same labels, same output formats."""
    return detector.split(".")[0].split("-")[0]


@dataclass(frozen=True)
class DetectorResult:
    """What one detector found in one document."""

    detector: str  # registered versioned name, e.g. "genre.v1"
    model_version: str
    findings: tuple[Finding, ...] = ()

    @property
    def task(self) -> str:
        return task_of(self.detector)

    def labels(self, min_score: float = 0.0) -> list[str]:
        return [f.label for f in self.findings if f.score >= min_score]

    def to_dict(self) -> dict[str, Any]:
        return {
            "detector": self.detector,
            "model_version": self.model_version,
            "findings": [f.to_dict() for f in self.findings],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DetectorResult:
        return cls(d["detector"], d["model_version"], tuple(Finding.from_dict(f) for f in d["findings"]))


@dataclass(frozen=True)
class Analysis:
    """The analysis of one document: the versioned JSON schema's root."""

    document: Document
    results: tuple[DetectorResult, ...] = ()
    schema_version: str = SCHEMA_VERSION
    warnings: tuple[str, ...] = ()

    def result(self, task: str) -> DetectorResult | None:
        for r in self.results:
            if r.task == task:
                return r
        return None

    def to_dict(self) -> dict[str, Any]:
        doc = self.document
        return {
            "schema_version": self.schema_version,
            "article": doc.article.to_dict(),
            "lang": doc.lang,
            "lang_score": round(doc.lang_score, 4),
            "sentences": [s.to_dict() for s in doc.sentences],
            "paragraphs": [p.to_dict() for p in doc.paragraphs],
            "results": {r.task: r.to_dict() for r in self.results},
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Analysis:
        doc = Document(
            article=Article.from_dict(d["article"]),
            lang=d["lang"],
            lang_score=float(d["lang_score"]),
            sentences=tuple(Span.from_dict(s) for s in d["sentences"]),
            paragraphs=tuple(Span.from_dict(p) for p in d["paragraphs"]),
        )
        results = tuple(DetectorResult.from_dict(r) for r in d["results"].values())
        return cls(doc, results, d["schema_version"], tuple(d.get("warnings", [])))


@dataclass(frozen=True)
class DocumentError:
    """A per-document failure in a batch: which input, and what went wrong, in words."""

    source: str
    problem: str

    def __str__(self) -> str:
        return f"{self.source}: {self.problem}"


class NarrascopeError(Exception):
    """Base of the errors this package raises on purpose."""


class InputError(NarrascopeError):
    """An input could not be read or prepared; the message names the file and the problem."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


@dataclass(frozen=True)
class Limits:
    """Input limits, set once at the edge.

    ``max_seconds`` bounds the extraction of one HTML page (the one stage whose cost depends on the markup,
    not only on its length); 0 means no limit. Every later stage is linear in the (bounded) text.
    """

    max_bytes: int = 20_000_000
    max_chars: int = 2_000_000
    max_html_depth: int = 500
    min_chars: int = 1
    max_seconds: float = 60.0


DEFAULT_LIMITS = Limits()


def check_chars(text: str, source: str, limits: Limits, what: str = "text") -> None:
    """The one check of a text's size: raise :class:`InputError` naming ``source`` and the limit when
    ``text`` (``what``: the text, or the HTML of a page) is over ``limits.max_chars`` characters."""
    if len(text) > limits.max_chars:
        raise InputError(
            source, f"{what} too long ({len(text):,} characters; the limit is {limits.max_chars:,})"
        )


def check_bytes(size: int, source: str, limits: Limits, what: str = "file") -> None:
    """The one check of an input's size in bytes: raise :class:`InputError` naming ``source`` and the limit
    when ``size`` bytes (``what``: a file, a JSONL line, an upload) are over ``limits.max_bytes``."""
    if size > limits.max_bytes:
        raise InputError(source, f"{what} too large ({size:,} bytes; the limit is {limits.max_bytes:,})")


__all__ = [
    "DEFAULT_LIMITS",
    "SCHEMA_VERSION",
    "Analysis",
    "Article",
    "DetectorResult",
    "Document",
    "DocumentError",
    "Finding",
    "InputError",
    "Limits",
    "NarrascopeError",
    "Span",
    "check_bytes",
    "check_chars",
    "content_id",
]
