"""Prometheus metrics, written by hand in the text exposition format (version 0.0.4): no dependency.

``Metrics`` counts requests and their latency (by route template, so the label set stays bounded); the
batcher's own counts (queue depth, batch sizes, articles analysed and failed) are read when the page is
rendered.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from narrascope.web._batcher import Batcher, batch_sizes

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@dataclass
class _Histogram:
    buckets: tuple[float, ...]
    counts: list[int]
    total: float = 0.0
    n: int = 0

    def observe(self, value: float, times: int = 1) -> None:
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[i] += times
        self.total += value * times
        self.n += times


def _histogram(buckets: Sequence[float]) -> _Histogram:
    return _Histogram(tuple(buckets), [0] * len(buckets))


def _labels(**labels: str) -> str:
    def quoted(v: str) -> str:  # a Prometheus label value (not HTML)
        return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")

    return "{" + ",".join(f'{k}="{quoted(v)}"' for k, v in labels.items()) + "}" if labels else ""


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _histogram_lines(name: str, h: _Histogram, **labels: str) -> Iterable[str]:
    for bound, count in zip(h.buckets, h.counts, strict=True):
        yield f"{name}_bucket{_labels(**labels, le=_num(bound))} {count}"
    yield f"{name}_bucket{_labels(**labels, le='+Inf')} {h.n}"
    yield f"{name}_sum{_labels(**labels)} {_num(h.total)}"
    yield f"{name}_count{_labels(**labels)} {h.n}"


def _family(name: str, kind: str, help_text: str, lines: Iterable[str]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *lines]


def resident_bytes() -> int:
    """This process's resident memory (Linux ``/proc``; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Metrics:
    """Request counts and latencies, safe to update from the event loop and from threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: dict[tuple[str, str, str], int] = {}
        self._latency: dict[str, _Histogram] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            key = (method, route, str(status))
            self._requests[key] = self._requests.get(key, 0) + 1
            self._latency.setdefault(route, _histogram(LATENCY_BUCKETS)).observe(seconds)

    def render(self, batcher: Batcher) -> str:
        """The metrics page."""
        with self._lock:
            requests = sorted(self._requests.items())
            latency = sorted(
                (r, _Histogram(h.buckets, list(h.counts), h.total, h.n)) for r, h in self._latency.items()
            )
        return "\n".join([*_request_families(requests, latency), *_batcher_families(batcher)]) + "\n"


def _request_families(
    requests: Sequence[tuple[tuple[str, str, str], int]], latency: Sequence[tuple[str, _Histogram]]
) -> list[str]:
    errors = {"4xx": 0, "5xx": 0}
    for (_, _, status), n in requests:
        if status[0] in "45":
            errors[status[0] + "xx"] += n
    name = "narrascope_http_request_duration_seconds"
    return [
        *_family(
            "narrascope_http_requests_total",
            "counter",
            "HTTP requests answered, by method, route template and status.",
            (
                f"narrascope_http_requests_total{_labels(method=m, route=r, status=s)} {n}"
                for (m, r, s), n in requests
            ),
        ),
        *_family(
            name,
            "histogram",
            "Time from the arrival of a request to the end of its answer, by route template.",
            (line for r, h in latency for line in _histogram_lines(name, h, route=r)),
        ),
        *_family(
            "narrascope_http_errors_total",
            "counter",
            "HTTP answers with an error status, by class (a full queue answers 503).",
            (f"narrascope_http_errors_total{_labels(**{'class': c})} {n}" for c, n in errors.items()),
        ),
    ]


def _batcher_families(batcher: Batcher) -> list[str]:
    stats = batcher.stats
    sizes = _histogram(BATCH_BUCKETS)
    for size, count in batch_sizes(stats):
        sizes.observe(size, count)
    single = (
        ("narrascope_queue_depth", "gauge", "Articles waiting for the analysis worker.", batcher.depth),
        (
            "narrascope_queue_capacity",
            "gauge",
            "Articles that may wait before the server answers 503.",
            batcher.options.max_queue,
        ),
        ("narrascope_articles_analyzed_total", "counter", "Articles analysed for requests.", stats.articles),
        ("narrascope_articles_failed_total", "counter", "Articles that could not be analysed.", stats.failed),
        (
            "narrascope_requests_cancelled_total",
            "counter",
            "Queued articles dropped because their client went away.",
            stats.cancelled,
        ),
        ("narrascope_models_loaded", "gauge", "1 once the models are loaded.", int(batcher.loaded)),
        ("process_resident_memory_bytes", "gauge", "Resident memory of the process.", resident_bytes()),
    )
    out = _family(
        "narrascope_batch_size",
        "histogram",
        "Articles per batch run through the Analyzer.",
        _histogram_lines("narrascope_batch_size", sizes),
    )
    for name, kind, help_text, value in single:
        out += _family(name, kind, help_text, [f"{name} {value}"])
    return out
