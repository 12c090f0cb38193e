"""Dynamic batching: one worker thread owns the Analyzer; concurrent requests are analysed as one batch.

Request handlers ``submit`` an article and get a ``Future``. The worker takes the oldest waiting article,
gathers more for at most ``max_wait_ms`` (or until ``max_batch`` are waiting), prepares each one and runs
the batch through ``Analyzer.analyze_documents`` in one call. Only the worker thread touches the Analyzer
(and so its feature cache): no lock is held around a request. The queue is bounded: when ``max_queue``
articles wait, ``submit`` raises ``Busy`` at once and the server answers 503. A cancelled future (its client
went away) leaves the queue at once and is never analysed.

Other work for the Analyzer (a batch job's chunk, loading the models) goes through ``call``: it runs on the
worker too, between request batches, so requests keep their turn while a job runs.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from narrascope.pipeline import Analyzer
from narrascope.types import Analysis, Article, Document, InputError

T = TypeVar("T")
RETRY_AFTER_S = 1  # what a 503 tells the client to wait, in seconds: a full queue drains in about one batch


class Busy(Exception):
    """The queue is full: try again later (the server answers 503 with ``Retry-After``)."""


@dataclass(frozen=True)
class BatchOptions:
    """How requests are gathered: at most ``max_batch`` articles a batch, waiting at most ``max_wait_ms``
    for a batch to fill, and at most ``max_queue`` articles waiting in all."""

    max_batch: int = 16
    max_wait_ms: float = 5.0
    max_queue: int = 64


DEFAULT_BATCHING = BatchOptions()


class BatchStats:
    """What the worker did, for ``/metrics``; written by the worker thread, read by the metrics page."""

    def __init__(self) -> None:
        self.batches: dict[int, int] = {}  # batch size -> number of batches of that size
        self.articles = 0
        self.failed = 0
        self.cancelled = 0

    def record(self, size: int, failed: int) -> None:
        self.batches[size] = self.batches.get(size, 0) + 1
        self.articles += size - failed
        self.failed += failed


@dataclass
class _Call:
    fn: Callable[[Analyzer], Any]
    future: Future[Any]


class Batcher:
    """The worker and its bounded queue. ``make_analyzer`` is called once, on the worker thread."""

    def __init__(
        self, make_analyzer: Callable[[], Analyzer], options: BatchOptions = DEFAULT_BATCHING
    ) -> None:
        self.options = options
        self.stats = BatchStats()
        self._make_analyzer = make_analyzer
        self._analyzer: Analyzer | None = None
        self._waiting: deque[tuple[Article, Future[Analysis]]] = deque()
        self._calls: deque[_Call] = deque()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def depth(self) -> int:
        """Articles waiting for the worker (cancelled ones have left already)."""
        with self._cond:
            return len(self._waiting)

    @property
    def loaded(self) -> bool:
        """Whether the worker has built its Analyzer and loaded the detectors' models."""
        return self._analyzer is not None

    def submit(self, article: Article) -> Future[Analysis]:
        """Queue one article; raises ``Busy`` when ``max_queue`` articles wait already."""
        future: Future[Analysis] = Future()
        with self._cond:
            if self._closed:
                raise Busy("the server is shutting down")
            if len(self._waiting) >= self.options.max_queue:
                n = len(self._waiting)
                raise Busy(f"{n} article{' is' if n == 1 else 's are'} waiting already")
            self._waiting.append((article, future))
            self._start()
            self._cond.notify()
        future.add_done_callback(self._forget)
        return future

    def call(self, fn: Callable[[Analyzer], T]) -> Future[T]:
        """Run ``fn(analyzer)`` on the worker, between request batches (not bounded: callers are few)."""
        future: Future[T] = Future()
        with self._cond:
            if self._closed:
                raise Busy("the server is shutting down")
            self._calls.append(_Call(fn, future))
            self._start()
            self._cond.notify()
        return future

    def close(self, timeout: float = 10.0) -> None:
        """Stop taking work, finish what is queued, and stop the worker."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _forget(self, future: Future[Analysis]) -> None:
        if not future.cancelled():
            return
        with self._cond:
            for i, (_, waiting) in enumerate(self._waiting):
                if waiting is future:
                    del self._waiting[i]
                    self.stats.cancelled += 1
                    break

    def _start(self) -> None:  # under the lock
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="narrascope-batcher", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            work = self._next()
            if work is None:
                return
            if isinstance(work, _Call):
                _settle(work.future, work.fn, self._get_analyzer)
            else:
                self._run_batch(work)

    def _next(self) -> _Call | list[tuple[Article, Future[Analysis]]] | None:
        """The next batch of requests (first), or call, or None once closed and drained."""
        with self._cond:
            while not self._waiting and not self._calls:
                if self._closed:
                    return None
                self._cond.wait()
            if not self._waiting:
                return self._calls.popleft()
            deadline = time.monotonic() + self.options.max_wait_ms / 1000
            while len(self._waiting) < self.options.max_batch and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(left)
            n = min(len(self._waiting), self.options.max_batch)
            return [self._waiting.popleft() for _ in range(n)]

    def _get_analyzer(self) -> Analyzer:
        """The worker's Analyzer, its models loaded (kept only once they load)."""
        if self._analyzer is None:
            analyzer = self._make_analyzer()
            _ = analyzer.loaded_detectors
            self._analyzer = analyzer
        return self._analyzer

    def _run_batch(self, batch: list[tuple[Article, Future[Analysis]]]) -> None:
        live = [(a, f) for a, f in batch if f.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            analyzer = self._get_analyzer()
            prepared = [(_prepare(analyzer, a, f), f) for a, f in live]
            ready = [(d, f) for d, f in prepared if d is not None]
            analyses = analyzer.analyze_documents([d for d, _ in ready]) if ready else []
        except BaseException as exc:  # a model that cannot load fails every article of the batch
            for _, f in live:
                if not f.done():
                    f.set_exception(exc)
            self.stats.record(len(live), len(live))
            return
        for (_, f), analysis in zip(ready, analyses, strict=True):
            f.set_result(analysis)
        self.stats.record(len(live), len(live) - len(ready))


def _prepare(analyzer: Analyzer, article: Article, future: Future[Analysis]) -> Document | None:
    """The prepared document, or None with the future failed (an article that cannot be prepared)."""
    try:
        return analyzer.prepare(article)
    except InputError as exc:
        future.set_exception(exc)
        return None


def _settle(future: Future[T], fn: Callable[[Analyzer], T], analyzer: Callable[[], Analyzer]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(fn(analyzer()))
    except BaseException as exc:  # handed to the caller, who raises it
        future.set_exception(exc)


def batch_sizes(stats: BatchStats) -> Sequence[tuple[int, int]]:
    """(size, count) pairs, smallest size first: a consistent copy for the metrics page."""
    return sorted(dict(stats.batches).items())
