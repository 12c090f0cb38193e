"""What the web layer calls: one Analyzer per app, owned by the batcher's worker thread (``_batcher``).

Routes only translate HTTP to these calls and back; every decision about input lives in ``ingest``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narrascope.analyze.base import Detector, spec_of
from narrascope.analyze.spec import DetectorSpec, minimal_spec
from narrascope.ingest import (
    article_from_html,
    article_from_text,
    decode_bytes,
    is_html_name,
    looks_like_html,
)
from narrascope.pipeline import Analyzer
from narrascope.types import Analysis, Article, InputError, Limits
from narrascope.web._batcher import DEFAULT_BATCHING, Batcher, BatchOptions


@dataclass(frozen=True)
class ArticleInput:
    """One article as the API or the form sends it: exactly one of ``text`` or ``html``, plus metadata."""

    text: str | None = None
    html: str | None = None
    id: str = ""
    lang: str = ""
    outlet: str = ""
    url: str = ""


def input_from_upload(data: bytes, filename: str, kind: str = "auto", **meta: str) -> ArticleInput:
    """Decode an uploaded file (binary and undecodable files raise ``InputError``) and pick text or HTML."""
    as_html = kind == "html" or (kind == "auto" and is_html_name(filename))
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
    """The app's analysis service. Parameters are stored as given; the models load on first use, on the
    batcher's worker thread, which alone runs the Analyzer."""

    def __init__(
        self,
        detectors: Sequence[str],
        limits: Limits,
        batching: BatchOptions = DEFAULT_BATCHING,
        claims: Path | None = None,
    ) -> None:
        self.detectors = tuple(detectors)
        self.limits = limits
        self.claims = claims  # known claims the claims detector matches (read and encoded with the models)
        self.batcher = Batcher(self._new_analyzer, batching)
        self._loading: Future[None] | None = None
        self._lock = threading.Lock()  # guards only ``_loading``

    def _new_analyzer(self) -> Analyzer:
        size = self.batcher.options.max_batch
        detectors: Sequence[str | Detector] = self.detectors
        if self.claims is not None:
            from narrascope.analyze.claims import matching_known_claims

            detectors = matching_known_claims(detectors, self.claims)
        return Analyzer(detectors=detectors, limits=self.limits, batch_size=size)

    def article(self, given: ArticleInput) -> Article:
        """The article to analyse; raises ``InputError`` for empty, binary or over-long input."""
        meta = {"lang": given.lang, "outlet": given.outlet, "url": given.url}
        if given.html is not None:
            _check_text(given.html, "<html>")
            return article_from_html(given.html, given.id, limits=self.limits, **meta)
        text = given.text or ""
        _check_text(text, "<text>")
        return article_from_text(text, given.id, limits=self.limits, **meta)

    def submit(self, given: ArticleInput) -> Future[Analysis]:
        """Blocking (HTML extraction): call it from a worker thread. Raises ``InputError``, or ``Busy`` when
        the queue is full; the future raises ``InputError`` or a model ``NarrascopeError``."""
        return self.batcher.submit(self.article(given))

    def analyze(self, given: ArticleInput) -> Analysis:
        """Blocking: ``submit`` and wait for the answer."""
        return self.submit(given).result()

    def analyze_all(self, given: Sequence[ArticleInput]) -> list[Analysis]:
        """Blocking: every input checked first (an ``InputError`` names which), all queued, then awaited, so
        the batcher reads them in one batch."""
        articles = []
        for n, one in enumerate(given, start=1):
            try:
                articles.append(self.article(one))
            except InputError as exc:
                raise InputError(f"article {n}", exc.problem) from None
        futures = [self.batcher.submit(a) for a in articles]
        return [f.result() for f in futures]

    def load(self) -> Future[None]:
        """Load the models now, once (``/ready`` says when they are); a failed load is tried again."""
        with self._lock:
            failed = self._loading is not None and self._loading.done() and self._loading.exception()
            if self._loading is None or failed:
                self._loading = self.batcher.call(lambda analyzer: None)
            return self._loading

    def model_versions(self) -> dict[str, str]:
        """Blocking: the model version of each detector (loads the models)."""
        return self.batcher.call(Analyzer.model_versions).result()

    def describe_detectors(self) -> list[dict[str, Any]]:
        """Name, task, model version and spec of each detector the app runs (loads the models)."""
        loaded = self.batcher.call(lambda analyzer: list(analyzer.loaded_detectors)).result()
        return [
            {"name": d.name, "task": d.task, "model_version": d.model_version, "spec": _spec(d).to_dict()}
            for d in loaded
        ]


def _spec(detector: Detector) -> DetectorSpec:
    """The registered spec of a running detector; one given to the Analyzer as an object, under a name the
    registry does not hold, has the minimal spec of its task."""
    try:
        return spec_of(detector.name)
    except KeyError:
        return minimal_spec(detector.task)
