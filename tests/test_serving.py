"""Serving many clients: dynamic batching, backpressure, disconnects, probes, metrics and access logs.

The batcher is driven directly (threads, futures) and through the app in process; a detector registered for
this module records the size of every batch it is given, and a worker held busy by a blocking ``call`` makes
the queue fill deterministically.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import httpx
import pytest

import narrascope
from narrascope.analyze import base
from narrascope.analyze.base import Features
from narrascope.ingest import article_from_text
from narrascope.pipeline import Analyzer
from narrascope.types import Article, DetectorResult, Document, Finding, InputError
from narrascope.web import create_app
from narrascope.web._batcher import Batcher, BatchOptions, Busy

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
NAME = "batchtest.v1"
SEEN: list[int] = []  # the size of every batch the detector was given


class BatchDetector:
    """Findings that depend only on the document itself: loaded words, the sentence count."""

    name = NAME
    task = "batchtest"
    model_version = "demo-1"
    requires: tuple[str, ...] = ()

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        SEEN.append(len(docs))
        out = []
        for doc in docs:
            found = [
                Finding("Loaded_Language", 0.9, m.start(), m.end())
                for m in re.finditer(r"\b(always|never|West|regime)\b", doc.text)
            ]
            found.append(Finding("Sentences", min(1.0, len(doc.sentences) / 100)))
            out.append(DetectorResult(self.name, self.model_version, tuple(found)))
        return out


@pytest.fixture(scope="module", autouse=True)
def batch_detector() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(base._REGISTRY, NAME, BatchDetector)
        yield


def texts(n: int) -> list[str]:
    lines = EXAMPLE.split("\n")
    return [
        "\n".join([*lines[i % len(lines) :], f"Version {i}: the West is always to blame."]) for i in range(n)
    ]


def new_batcher(**options: Any) -> Batcher:
    return Batcher(lambda: Analyzer(detectors=(NAME,)), BatchOptions(**options))


def hold(batcher: Batcher) -> tuple[threading.Event, Future[None]]:
    """Keep the worker busy until the returned event is set (the worker has started when this returns)."""
    started, release = threading.Event(), threading.Event()

    def block(analyzer: Analyzer) -> None:
        started.set()
        release.wait(30)

    held = batcher.call(block)
    assert started.wait(30)
    return release, held


def alone(text: str) -> dict[str, Any]:
    return Analyzer(detectors=(NAME,)).analyze(article_from_text(text)).to_dict()


# --- the batcher ---------------------------------------------------------------------------------------


def test_waiting_articles_run_as_one_batch_with_the_answers_they_get_alone() -> None:
    batcher = new_batcher(max_batch=8, max_wait_ms=50)
    release, _ = hold(batcher)
    given = texts(6)
    futures = [batcher.submit(article_from_text(t)) for t in given]
    assert batcher.depth == 6
    SEEN.clear()
    release.set()
    got = [f.result(30).to_dict() for f in futures]
    assert SEEN == [6]
    assert got == [alone(t) for t in given]
    assert batcher.stats.batches == {6: 1} and batcher.stats.articles == 6
    batcher.close()


def test_a_batch_holds_at_most_max_batch() -> None:
    batcher = new_batcher(max_batch=4, max_wait_ms=1)
    release, _ = hold(batcher)
    futures = [batcher.submit(article_from_text(t)) for t in texts(10)]
    SEEN.clear()
    release.set()
    for f in futures:
        f.result(30)
    assert SEEN == [4, 4, 2]
    batcher.close()


def test_a_lone_request_waits_at_most_max_wait() -> None:
    batcher = new_batcher(max_batch=16, max_wait_ms=20)
    batcher.call(lambda a: None).result(30)  # models loaded
    SEEN.clear()
    assert batcher.submit(article_from_text(EXAMPLE)).result(5).document.article.text == EXAMPLE
    assert SEEN == [1]
    batcher.close()


def test_full_queue_is_refused_at_once() -> None:
    batcher = new_batcher(max_queue=2)
    release, _ = hold(batcher)
    first = [batcher.submit(article_from_text(t)) for t in texts(2)]
    with pytest.raises(Busy):
        batcher.submit(article_from_text("One more article. It has two sentences."))
    release.set()
    assert all(f.result(30) for f in first)
    batcher.close()


def test_a_cancelled_article_frees_its_place_and_is_never_analysed() -> None:
    batcher = new_batcher(max_queue=1, max_wait_ms=1)
    release, _ = hold(batcher)
    dropped = batcher.submit(article_from_text("Dropped article. Nobody waits for it."))
    assert dropped.cancel()
    assert batcher.depth == 0
    kept = batcher.submit(article_from_text(EXAMPLE))  # the freed place
    SEEN.clear()
    release.set()
    assert kept.result(30).document.article.text == EXAMPLE
    assert SEEN == [1] and batcher.stats.cancelled == 1
    batcher.close()


def test_an_article_that_cannot_be_prepared_fails_alone() -> None:
    batcher = new_batcher(max_wait_ms=1)
    release, _ = hold(batcher)
    bad = batcher.submit(Article(text="   ", id="blank"))
    good = batcher.submit(article_from_text(EXAMPLE))
    release.set()
    with pytest.raises(InputError, match="empty document"):
        bad.result(30)
    assert good.result(30).document.article.text == EXAMPLE
    assert batcher.stats.failed == 1
    batcher.close()


def test_a_model_that_cannot_load_fails_the_batch_and_the_next_one_tries_again() -> None:
    attempts: list[int] = []

    def make() -> Analyzer:
        attempts.append(1)
        return Analyzer(detectors=("no-such-detector",) if len(attempts) == 1 else (NAME,))

    batcher = Batcher(make, BatchOptions(max_wait_ms=1))
    with pytest.raises(KeyError):
        batcher.submit(article_from_text(EXAMPLE)).result(30)
    assert batcher.submit(article_from_text(EXAMPLE)).result(30)
    assert len(attempts) == 2 and batcher.loaded
    batcher.close()


# --- through the app -----------------------------------------------------------------------------------


async def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


def call(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        async with await _client(app) as client:
            return await client.request(method, url, **kw)

    return asyncio.run(go())


def test_concurrent_requests_are_batched_and_each_answer_is_its_own() -> None:
    app = create_app(detectors=(NAME,), batching=BatchOptions(max_batch=8, max_wait_ms=200))
    given = texts(8)

    async def many() -> list[httpx.Response]:
        async with await _client(app) as client:
            return await asyncio.gather(*(client.post("/api/analyze", json={"text": t}) for t in given))

    SEEN.clear()
    answers = asyncio.run(many())
    sizes = list(SEEN)
    assert [r.status_code for r in answers] == [200] * 8
    assert [r.json() for r in answers] == [alone(t) for t in given]
    assert max(sizes) > 1 and sum(sizes) == 8  # gathered: fewer batches than requests


def test_full_queue_answers_503_with_retry_after() -> None:
    app = create_app(detectors=(NAME,), batching=BatchOptions(max_queue=1, max_wait_ms=1))
    release, _ = hold(app.state.desk.batcher)

    async def three() -> list[httpx.Response]:
        async with await _client(app) as client:
            first = asyncio.ensure_future(client.post("/api/analyze", json={"text": EXAMPLE}))
            while app.state.desk.batcher.depth < 1:
                await asyncio.sleep(0.01)
            refused = [await client.post("/api/analyze", json={"text": t}) for t in texts(2)]
            release.set()
            return [await first, *refused]

    first, *refused = asyncio.run(three())
    assert first.status_code == 200
    for r in refused:
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
        assert "busy" in r.json()["error"]


def disconnect_while_queued(app: Any, path: str, body: bytes, content_type: str) -> list[dict[str, Any]]:
    """Drive one request through the app as raw ASGI; the client goes away once its article waits."""
    batcher = app.state.desk.batcher
    sent: list[dict[str, Any]] = []

    async def go() -> None:
        gone = asyncio.Event()
        messages = [{"type": "http.request", "body": body, "more_body": False}]

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop()
            await gone.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
            "root_path": "", "headers": [(b"content-type", content_type.encode()),
                                         (b"content-length", str(len(body)).encode())],
            "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
        }  # fmt: skip
        request = asyncio.ensure_future(app(scope, receive, send))
        while batcher.depth < 1:
            await asyncio.sleep(0.01)
        gone.set()
        await asyncio.wait_for(request, 30)

    asyncio.run(go())
    return sent


def test_a_client_that_disconnects_frees_its_place() -> None:
    app = create_app(detectors=(NAME,), batching=BatchOptions(max_queue=1, max_wait_ms=1))
    batcher = app.state.desk.batcher
    release, _ = hold(batcher)
    body = json.dumps({"text": EXAMPLE}).encode()
    sent = disconnect_while_queued(app, "/api/analyze", body, "application/json")
    assert batcher.depth == 0 and batcher.stats.cancelled == 1
    assert batcher.submit(article_from_text(EXAMPLE))  # the place is free
    release.set()
    assert sent[0]["status"] == 499


def test_the_form_waits_in_the_same_queue_and_a_full_one_answers_a_busy_page() -> None:
    app = create_app(detectors=(NAME,), batching=BatchOptions(max_queue=1, max_wait_ms=1))
    release, _ = hold(app.state.desk.batcher)
    pasted = "Refused & kept: the West is always to blame."

    async def two() -> list[httpx.Response]:
        async with await _client(app) as client:
            first = asyncio.ensure_future(client.post("/analyze", data={"text": EXAMPLE, "kind": "text"}))
            while app.state.desk.batcher.depth < 1:
                await asyncio.sleep(0.01)
            refused = await client.post("/analyze", data={"text": pasted, "kind": "text"})
            release.set()
            return [await first, refused]

    first, refused = asyncio.run(two())
    assert first.status_code == 200 and "<mark" in first.text
    assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
    assert refused.headers["content-type"].startswith("text/html")
    assert "The server is busy (1 article is waiting already). Try again in 1 second" in refused.text
    assert "Refused &amp; kept: the West is always to blame.</textarea>" in refused.text


def test_a_form_client_that_disconnects_frees_its_place() -> None:
    app = create_app(detectors=(NAME,), batching=BatchOptions(max_queue=1, max_wait_ms=1))
    batcher = app.state.desk.batcher
    release, _ = hold(batcher)
    request = httpx.Request("POST", "http://testserver/analyze", files={"file": ("a.txt", EXAMPLE.encode())})
    body, content_type = request.read(), request.headers["content-type"]
    sent = disconnect_while_queued(app, "/analyze", body, content_type)
    assert batcher.depth == 0 and batcher.stats.cancelled == 1
    assert batcher.submit(article_from_text(EXAMPLE))  # the place is free
    release.set()
    assert sent[0]["status"] == 499


def test_health_ready_and_metrics() -> None:
    app = create_app(detectors=(NAME,), token="t0ken", batching=BatchOptions(max_wait_ms=1))
    assert call(app, "GET", "/health").json()["status"] == "ok"
    first = call(app, "GET", "/ready")  # starts the loading; open without the token, like /health
    assert first.status_code in (200, 503)
    app.state.desk.load().result(30)
    assert call(app, "GET", "/ready").json() == {"status": "ready", "detectors": [NAME]}
    auth = {"authorization": "Bearer t0ken"}
    assert call(app, "GET", "/metrics").status_code == 401
    for t in texts(3):
        assert call(app, "POST", "/api/analyze", json={"text": t}, headers=auth).status_code == 200
    assert call(app, "POST", "/api/analyze", json={"text": ""}, headers=auth).status_code == 400
    r = call(app, "GET", "/metrics", headers=auth)
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = dict(line.rsplit(" ", 1) for line in r.text.splitlines() if not line.startswith("#"))
    route = 'route="/api/analyze"'
    assert samples[f'narrascope_http_requests_total{{method="POST",{route},status="200"}}'] == "3"
    assert samples[f'narrascope_http_requests_total{{method="POST",{route},status="400"}}'] == "1"
    assert samples['narrascope_http_requests_total{method="GET",route="(unmatched)",status="401"}'] == "1"
    assert samples[f"narrascope_http_request_duration_seconds_count{{{route}}}"] == "4"
    assert samples[f'narrascope_http_request_duration_seconds_bucket{{{route},le="+Inf"}}'] == "4"
    assert samples['narrascope_http_errors_total{class="4xx"}'] == "2"
    assert samples["narrascope_articles_analyzed_total"] == "3"
    assert samples['narrascope_batch_size_bucket{le="+Inf"}'] == "3"
    assert samples["narrascope_queue_depth"] == "0" and samples["narrascope_models_loaded"] == "1"
    assert int(samples["process_resident_memory_bytes"]) > 10_000_000


def test_access_log_is_one_json_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(detectors=(NAME,), batching=BatchOptions(max_wait_ms=1))
    with caplog.at_level(logging.INFO, logger="narrascope.access"):
        call(app, "POST", "/api/analyze?secret=1", json={"text": EXAMPLE})
        call(app, "GET", "/nowhere")
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "narrascope.access"]
    assert [(r["method"], r["path"], r["route"], r["status"]) for r in records] == [
        ("POST", "/api/analyze", "/api/analyze", 200),
        ("GET", "/nowhere", "(unmatched)", 404),
    ]
    assert records[0]["bytes"] > 1000 and records[0]["ms"] > 0 and "secret" not in json.dumps(records)


def test_library_answer_is_unchanged() -> None:
    """The batched server answers what ``narrascope.analyze`` answers for the same text."""
    app = create_app(detectors=(NAME,))
    r = call(app, "POST", "/api/analyze", json={"text": EXAMPLE})
    assert r.json() == narrascope.analyze(EXAMPLE, detectors=(NAME,)).to_dict()
