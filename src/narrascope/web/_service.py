"""What the web layer calls: one Analyzer per app, loaded on first use and run one analysis at a time.

Routes only translate HTTP to these calls and back; every decision about input lives in ``ingest``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from narrascope.ingest import article_from_html, article_from_text, decode_bytes
from narrascope.pipeline import Analyzer
from narrascope.types import Analysis, Article, InputError, Limits

_HTML_START = re.compile(
    r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")


@dataclass(frozen=True)
class ArticleInput:
    """One article as the API or the form sends it: exactly one of ``text`` or ``html``, plus metadata."""

    text: str | None = None
    html: str | None = None
    id: str = ""
    lang: str = ""
    outlet: str = ""
    url: str = ""


def looks_like_html(text: str) -> bool:
    """A pasted text is taken as a saved page when it starts like one (doctype, ``<html>``, ``<body>``)."""
    return bool(_HTML_START.match(text[:4096]))


def input_from_upload(data: bytes, filename: str, kind: str = "auto", **meta: str) -> ArticleInput:
    """Decode an uploaded file (binary and undecodable files raise ``InputError``) and pick text or HTML."""
    as_html = kind == "html" or (kind == "auto" and filename.lower().endswith(_HTML_SUFFIXES))
    text = decode_bytes(data, filename or "<upload>", html=as_html)
    return input_from_paste(text, "html" if as_html else kind, **meta)


def input_from_paste(text: str, kind: str = "auto", **meta: str) -> ArticleInput:
    as_html = kind == "html" or (kind == "auto" and looks_like_html(text))
    return ArticleInput(text=None if as_html else text, html=text if as_html else None, **meta)


def _check_text(text: str, source: str) -> None:
    """Binary data sent as a JSON string (NUL bytes, control characters, lone surrogates) is not text."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(source, "not valid Unicode text (it contains lone surrogates)") from None
    decode_bytes(data, source)


class Desk:
    """The app's analysis service. Parameters are stored as given; the models load on first use."""

    def __init__(self, detectors: Sequence[str], limits: Limits) -> None:
        self.detectors = tuple(detectors)
        self.limits = limits
        self._analyzer: Analyzer | None = None
        self._lock = threading.Lock()  # the Analyzer's feature cache is not thread-safe

    @property
    def analyzer(self) -> Analyzer:
        with self._lock:
            if self._analyzer is None:
                self._analyzer = Analyzer(detectors=self.detectors, limits=self.limits)
            return self._analyzer

    def article(self, given: ArticleInput) -> Article:
        """The article to analyse; raises ``InputError`` for empty, binary or over-long input."""
        meta = {"lang": given.lang, "outlet": given.outlet, "url": given.url}
        if given.html is not None:
            _check_text(given.html, "<html>")
            return article_from_html(given.html, given.id, limits=self.limits, **meta)
        text = given.text or ""
        _check_text(text, "<text>")
        return article_from_text(text, given.id, limits=self.limits, **meta)

    def analyze(self, given: ArticleInput) -> Analysis:
        """Blocking: call it from a worker thread. Raises ``InputError`` or a model ``NarrascopeError``."""
        article = self.article(given)
        analyzer = self.analyzer
        with self._lock:
            return analyzer.analyze(article)

    def describe_detectors(self) -> list[dict[str, Any]]:
        """Name, task and model version of each detector the app runs (loads the models)."""
        analyzer = self.analyzer
        with self._lock:
            loaded = analyzer.loaded_detectors
        return [{"name": d.name, "task": d.task, "model_version": d.model_version} for d in loaded]
