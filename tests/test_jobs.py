"""Batch jobs over HTTP: a real DuckDB file, the app in process, and a real server SIGKILLed mid-job.

The keyword detectors of ``test_corpus`` (registered there, on import) stand in for the models.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import httpx
import pytest

import tests.test_corpus  # noqa: F401  (registers the keyword detectors)
from narrascope.corpus.run import iter_inputs, run_chunk
from narrascope.pipeline import Analyzer
from narrascope.store import LATEST, Store, add_job, applied_versions, job_info, start_job, versions_key
from narrascope.web import BatchOptions, create_app
from narrascope.web._jobs import spool_dir
from tests._serve import free_port, get_json

ROOT = Path(__file__).resolve().parents[1]
DETECTORS = ("themes", "spans", "roles")


def records(n: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {
            "id": f"j{i:03d}",
            "outlet": f"Outlet {i % 3}",
            "published": f"2024-04-{1 + i % 28:02d}",
            "text": f"Article {i} on the war. A traitor spoke. NATO answered.",
        }
        for i in range(start, start + n)
    ]


def jsonl(rows: list[dict[str, str]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def iter_items(path: Path) -> list[Any]:
    return list(iter_inputs([path]))


def call(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, **kw)

    return asyncio.run(go())


def wait_done(app: Any, job_id: int, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body: dict[str, Any] = call(app, "GET", f"/api/jobs/{job_id}").json()
        if body["status"] in ("finished", "failed"):
            return body
        time.sleep(0.05)
    raise TimeoutError(f"job {job_id} did not finish")


def new_app(db: Path, **batching: Any) -> Any:
    return create_app(db=db, detectors=DETECTORS, batching=BatchOptions(max_wait_ms=1, **batching))


def test_jsonl_job_runs_into_the_store_with_its_failures(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    app = new_app(db, max_batch=4)
    body = jsonl(records(9)) + b"not json\n" + jsonl([{"id": "blank", "text": "  "}])
    r = call(app, "POST", "/api/jobs", content=body, headers={"content-type": "application/x-ndjson"})
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"/api/jobs/{r.json()['id']}" and r.json()["total"] == 11
    done = wait_done(app, r.json()["id"])
    assert done["status"] == "finished", done
    assert (done["total"], done["done"], done["analyzed"], done["failed"]) == (11, 11, 9, 2)
    problems = sorted(f["problem"] for f in done["failures"])
    assert problems[0].startswith("empty document") and problems[1].startswith("not a valid JSON line")
    assert all(f["source"].endswith(("body.jsonl:10", "body.jsonl:11")) for f in done["failures"])
    listed = call(app, "GET", "/api/articles?limit=100").json()
    assert listed["total"] == 9 and {a["id"] for a in listed["articles"]} == {f"j{i:03d}" for i in range(9)}
    assert "Outlet 1" in call(app, "GET", "/corpus").text  # the corpus pages show the job's articles
    assert not any(spool_dir(db).iterdir())  # the spooled input is removed once the job is done
    with Store(db) as store:
        assert applied_versions(store.con) == list(range(1, LATEST + 1))
        assert store.query("SELECT engine, status, n_analyzed, n_errors FROM runs") == [
            ("web-job", "finished", 9, 2)
        ]


def test_uploaded_file_job_and_a_second_run_skips_what_is_stored(tmp_path: Path) -> None:
    app = new_app(tmp_path / "c.duckdb")
    csv = "id,outlet,text\nc1,Daily,The war goes on.\nc2,Daily,A traitor spoke today.\n"
    files = {"file": ("wire.csv", csv.encode(), "text/csv")}
    first = wait_done(app, call(app, "POST", "/api/jobs", files=files).json()["id"])
    assert (first["source"], first["analyzed"], first["skipped"]) == ("wire.csv", 2, 0)
    again = wait_done(app, call(app, "POST", "/api/jobs", files=files).json()["id"])
    assert (again["analyzed"], again["skipped"]) == (0, 2)
    listed = call(app, "GET", "/api/jobs").json()["jobs"]
    assert [j["id"] for j in listed] == [again["id"], first["id"]]


def test_one_job_at_a_time_others_queued(tmp_path: Path) -> None:
    from tests.test_serving import hold

    app = new_app(tmp_path / "c.duckdb")
    release, _ = hold(app.state.desk.batcher)  # the worker is busy: the first job cannot progress
    ids = [call(app, "POST", "/api/jobs", content=jsonl(records(3, 10 * k))).json()["id"] for k in range(2)]
    deadline = time.monotonic() + 30
    while call(app, "GET", f"/api/jobs/{ids[0]}").json()["status"] != "running":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    second = call(app, "GET", f"/api/jobs/{ids[1]}").json()
    assert (second["status"], second["queue_position"]) == ("queued", 1)
    release.set()
    assert [wait_done(app, i)["analyzed"] for i in ids] == [3, 3]


LONG_HEADER = (
    b'--b\r\nContent-Disposition: form-data; name="file"; filename="%s.jsonl"\r\n\r\n{}\r\n--b--\r\n'
    % (b"a" * 20_000)
)


@pytest.mark.parametrize(
    ("kw", "status", "words"),
    [
        ({"content": b""}, 400, "no documents"),
        ({"content": b"\x00\x01\x02\xff" * 50}, 400, "binary"),
        ({"files": {"file": ("x.pdf", b"%PDF-1.4", "application/pdf")}}, 400, "a job reads"),
        ({"files": {"other": ("a.jsonl", b"{}", "text/plain")}}, 400, "'file' field"),
        ({"content": b"x", "headers": {"content-type": "multipart/form-data"}}, 400, "boundary"),
        (
            {"content": LONG_HEADER, "headers": {"content-type": "multipart/form-data; boundary=b"}},
            400,
            "header",
        ),
    ],
)
def test_bad_job_input(tmp_path: Path, kw: dict[str, Any], status: int, words: str) -> None:
    app = new_app(tmp_path / "c.duckdb")
    r = call(app, "POST", "/api/jobs", **kw)
    assert r.status_code == status, r.text
    assert words in r.json()["error"]


def long_records(n: int, size: int) -> Iterator[bytes]:
    """JSONL lines of about ``size`` bytes each, texts written here."""
    for i in range(n):
        sentences = (f"Note {k} of article {i}: the council met again today." for k in range(size // 52))
        text = " ".join(["The war goes on.", *sentences])
        yield (json.dumps({"id": f"long{i:03d}", "outlet": "Long", "text": text}) + "\n").encode()


async def _streamed(lines: Iterator[bytes]) -> AsyncIterator[bytes]:
    for line in lines:  # the client holds one line at a time: what the server holds is its own
        yield line


def test_a_job_input_over_the_request_limit_is_spooled_to_disk_not_memory(tmp_path: Path) -> None:
    from tests.test_serving import hold

    db = tmp_path / "c.duckdb"
    app = new_app(db)
    n, size = 200, 26_500
    total = sum(len(line) for line in long_records(n, size))
    assert 5_000_000 < total < 6_000_000  # over the 5 MB request body limit, not by much
    release, _ = hold(app.state.desk.batcher)  # the job waits: the upload alone is measured
    tracemalloc.start()
    try:
        r = call(app, "POST", "/api/jobs", content=_streamed(long_records(n, size)))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        release.set()
    assert r.status_code == 202, r.text
    assert peak < 3_000_000, f"{peak:,} bytes traced while a {total:,}-byte body arrived"
    done = wait_done(app, r.json()["id"], timeout=240)
    assert (done["status"], done["total"], done["analyzed"], done["failed"]) == ("finished", n, n, 0)
    with Store(db) as store:
        assert store.query("SELECT count(*), sum(length(text)) > 5000000 FROM articles") == [(n, True)]
    big = b'{"text": "' + b"x" * 5_000_000 + b'"}'  # the other routes keep the 5 MB request limit
    refused = call(app, "POST", "/api/analyze", content=big, headers={"content-type": "application/json"})
    assert refused.status_code == 413 and "5,000,000 bytes" in refused.json()["error"]


@pytest.mark.parametrize(
    "kw",
    [
        {"content": jsonl(records(200))},  # declared: refused before it is read
        {"content": _streamed(iter([jsonl(records(200))]))},  # chunked: refused as it arrives
        {"files": {"file": ("big.jsonl", jsonl(records(200)), "application/x-ndjson")}},
    ],
    ids=["declared", "chunked", "upload"],
)
def test_a_job_input_over_max_job_bytes_is_413_and_leaves_nothing(tmp_path: Path, kw: dict[str, Any]) -> None:
    db = tmp_path / "c.duckdb"
    app = create_app(db=db, detectors=DETECTORS, max_job_bytes=10_000)
    r = call(app, "POST", "/api/jobs", **kw)
    assert r.status_code == 413, r.text
    assert r.json() == {"error": "job input too large (the limit is 10,000 bytes, serve --max-job-bytes)",
                        "status": 413}  # fmt: skip
    assert not spool_dir(db).exists() or not any(spool_dir(db).rglob("*"))
    assert call(app, "GET", "/api/jobs").json()["jobs"] == []
    small = call(app, "POST", "/api/jobs", content=jsonl(records(3)))  # under the limit: accepted
    assert small.status_code == 202 and wait_done(app, small.json()["id"])["analyzed"] == 3


def test_a_client_gone_mid_upload_leaves_no_job_and_no_spool_file(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    app = new_app(db)
    sent: list[dict[str, Any]] = []
    messages = [
        {"type": "http.disconnect"},
        {"type": "http.request", "body": jsonl(records(50)), "more_body": True},
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/jobs", "raw_path": b"/api/jobs", "query_string": b"",
        "root_path": "", "headers": [(b"content-type", b"application/x-ndjson")],
        "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 499
    assert not any(spool_dir(db).rglob("*"))
    assert call(app, "GET", "/api/jobs").json()["jobs"] == []


def test_serve_takes_max_job_bytes_to_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    import narrascope.web
    from narrascope.cli import main
    from narrascope.web._serve import ServeOptions

    given: dict[str, Any] = {}
    monkeypatch.setattr(narrascope.web, "serve", lambda **kw: given.update(kw))
    args = ["serve", "--detectors", ",".join(DETECTORS), "--max-job-bytes", "12345"]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert given["max_job_bytes"] == 12345
    help_text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "--max-job-bytes" in help_text and "1073741824" in help_text and "5 MB" in help_text
    options = ServeOptions(detectors=DETECTORS, max_job_bytes=12345)
    assert ServeOptions.from_json(options.to_json()) == options


def test_unknown_job_is_404_and_jobs_need_a_store(tmp_path: Path) -> None:
    assert call(new_app(tmp_path / "c.duckdb"), "GET", "/api/jobs/999").status_code == 404
    assert (
        call(create_app(detectors=DETECTORS), "POST", "/api/jobs", content=jsonl(records(1))).status_code
        == 404
    )


def test_a_job_left_running_resumes_at_start_without_reading_its_done_inputs_again(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    rows = records(10)
    spooled = tmp_path / "in.jsonl"
    spooled.write_bytes(jsonl(rows))
    analyzer = Analyzer(detectors=DETECTORS)
    versions = analyzer.model_versions()
    with Store(db) as store:  # a server that stored 4 of 10, then died
        job = add_job(store, "in.jsonl", str(spooled), 10)
        run_id = store.start_run(versions, "web-job", ["in.jsonl"])
        start_job(store, job.job_id, run_id)
        run_chunk(
            lambda: nullcontext(store), analyzer.run, run_id, versions_key(versions), iter_items(spooled)[:4]
        )
    spooled.write_bytes(
        jsonl(rows[:4]).replace(b"war", b"WAR") + jsonl(rows[4:])
    )  # changed: must not be read
    app = new_app(db)
    done = wait_done(app, job.job_id)
    assert (done["status"], done["analyzed"], done["skipped"], done["done"]) == ("finished", 10, 0, 10)
    with Store(db) as store:
        assert store.query("SELECT count(*), count(DISTINCT article_id) FROM articles") == [(10, 10)]
        assert store.query("SELECT count(*) FROM articles WHERE text LIKE '%WAR%'") == [(0,)]
        assert job_info(store, job.job_id) is not None


LAUNCH = "import tests.test_corpus as t; t.register_test_detectors(); from narrascope.cli import main; main()"


def _server(db: Path, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-c", LAUNCH, "serve", "--port", str(port), "--db", str(db)]
    cmd += ["--detectors", "slow", "--max-batch", "4", "--max-wait-ms", "1"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(url: str, proc: subprocess.Popen[bytes], ok: Any, timeout: float = 120) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
        try:
            body = get_json(url)
            if ok(body):
                return body
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(url)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_server_killed_during_a_job_resumes_it_and_loses_nothing(tmp_path: Path) -> None:
    n, db = 24, tmp_path / "k.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "NARRASCOPE_TOKEN"}
    env |= {"PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]), "NARRASCOPE_TEST_MARKER": ""}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = _server(db, port, env)
    try:
        _wait(url + "/ready", proc, lambda b: b["status"] == "ready")
        req = urllib.request.Request(url + "/api/jobs", data=jsonl(records(n)), method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:  # loopback only
            job_id = json.loads(r.read())["id"]
        _wait(f"{url}/api/jobs/{job_id}", proc, lambda b: b["done"] >= 8)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    with Store(db) as store:
        kept = store.query("SELECT count(*) FROM articles")[0][0]
        assert store.query("SELECT status FROM jobs") == [("running",)]
    assert 8 <= kept < n, kept
    proc = _server(db, port, env)
    try:
        done = _wait(f"{url}/api/jobs/{job_id}", proc, lambda b: b["status"] != "running")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert (done["status"], done["analyzed"], done["skipped"], done["failed"]) == ("finished", n, 0, 0)
    with Store(db, read_only=True) as store:
        rows = store.query("SELECT article_id, count(*) FROM articles GROUP BY article_id ORDER BY 1")
        assert rows == [(f"j{i:03d}", 1) for i in range(n)]
