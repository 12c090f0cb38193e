"""The web app and HTTP API, in process (httpx ASGITransport, no server): every endpoint and its errors.

A small deterministic detector (registered for this module only) gives located findings, a document-level
label with evidence and an entity, so the pages have something to show whether or not trained models exist.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

import narrascope
from narrascope.analyze import base
from narrascope.analyze.base import Features
from narrascope.analyze.spec import Attr, DetectorSpec
from narrascope.types import DetectorResult, Document, Finding, Limits
from narrascope.web import create_app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
NEWS_PAGE = (ROOT / "tests" / "fixtures" / "news_page.html").read_text(encoding="utf-8")
DEMO = ("webtest.v1",)
HOSTILE = (
    "Breaking news. <script>window.__pwned=1</script> The minister spoke today. "
    '<img src=x onerror="window.__pwned=1"> He said it was always the fault of the West.'
)
TOKEN = "s3cret-token"


class DemoDetector:
    """Loaded words as located findings, one document label citing the first sentence, one entity."""

    name = "webtest.v1"
    task = "webtest"
    model_version = "demo-1"
    requires: tuple[str, ...] = ()

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        out = []
        for doc in docs:
            found = [
                Finding("Loaded_Language", 0.9, m.start(), m.end())
                for m in re.finditer(r"\b(neo-Nazi|liberation|always|never|West)\b", doc.text)
            ]
            if doc.sentences:
                found.append(Finding("Blame_the_West", 0.8, evidence=(doc.sentences[0],)))
            who = re.search(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", doc.text)
            if who:
                attrs = (("fine_role", "Guardian"), ("main_role", "Protagonist"))
                found.append(Finding("Protagonist", 0.7, who.start(), who.end(), attrs=attrs))
            out.append(DetectorResult(self.name, self.model_version, tuple(found)))
        return out


@pytest.fixture(scope="module", autouse=True)
def demo_detector() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(base._REGISTRY, "webtest.v1", DemoDetector)
        yield


def call(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, **kw)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def app() -> Any:
    return create_app(detectors=DEMO)


def sha256_source(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


# --- JSON API -------------------------------------------------------------------------------------------


def test_health(app: Any) -> None:
    r = call(app, "GET", "/api/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"
    assert r.json()["schema_version"] == narrascope.SCHEMA_VERSION


def test_detectors_lists_what_runs(app: Any) -> None:
    r = call(app, "GET", "/api/detectors")
    assert r.status_code == 200
    # registered here without a spec: the minimal one of its task
    minimal = {"task": "webtest", "title": "Webtest", "label_kind": None, "formats": [], "attributes": None}
    assert r.json()["detectors"] == [
        {"name": "webtest.v1", "task": "webtest", "model_version": "demo-1", "spec": minimal}
    ]
    assert "webtest.v1" in r.json()["available"]


def test_detectors_shows_each_detectors_spec() -> None:
    spec = DetectorSpec(
        "webspec",
        title="Cast",
        label_kind="roles",
        formats=("semeval2025-st1",),
        attributes=(
            Attr("main_role", "str", "the main role", ("Protagonist", "Antagonist", "Innocent")),
            Attr("fine_role", "str", "the fine role"),
        ),
    )

    class Specced(DemoDetector):
        name, task = "webspec.v1", "webspec"

    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(base._REGISTRY, "webspec.v1", Specced)
        mp.setitem(base._SPECS, "webspec.v1", spec)
        r = call(create_app(detectors=("webspec.v1",)), "GET", "/api/detectors")
    assert r.status_code == 200
    assert r.json()["detectors"] == [
        {
            "name": "webspec.v1",
            "task": "webspec",
            "model_version": "demo-1",
            "spec": {
                "task": "webspec",
                "title": "Cast",
                "label_kind": "roles",
                "formats": ["semeval2025-st1"],
                "attributes": [
                    {
                        "name": "main_role",
                        "type": "str",
                        "description": "the main role",
                        "values": ["Protagonist", "Antagonist", "Innocent"],
                    },
                    {"name": "fine_role", "type": "str", "description": "the fine role", "values": None},
                ],
            },
        }
    ]


def test_api_analyze_equals_library(app: Any) -> None:
    r = call(app, "POST", "/api/analyze", json={"text": EXAMPLE})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    expected = narrascope.analyze(EXAMPLE, detectors=DEMO)
    assert r.json() == expected.to_dict()
    assert any(f.get("start") is not None for f in r.json()["results"]["webtest"]["findings"])


def test_api_analyze_metadata_and_html(app: Any) -> None:
    body = {"html": NEWS_PAGE, "id": "page-1", "outlet": "Example Times", "url": "https://example.org/a"}
    r = call(app, "POST", "/api/analyze", json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    expected = narrascope.analyze(
        html=NEWS_PAGE, detectors=DEMO, id="page-1", outlet="Example Times", url="https://example.org/a"
    )
    assert got == expected.to_dict()
    assert got["article"]["id"] == "page-1" and got["article"]["outlet"] == "Example Times"
    assert "<" not in got["article"]["text"][:200]  # the page's main text, not its markup


def test_api_analyze_default_detectors_match_library() -> None:
    try:
        _ = narrascope.Analyzer().loaded_detectors
    except narrascope.NarrascopeError as exc:
        pytest.skip(f"the default detectors' models are not available here: {exc}")
    r = call(create_app(), "POST", "/api/analyze", json={"text": EXAMPLE})
    assert r.status_code == 200
    assert r.json() == narrascope.analyze(EXAMPLE).to_dict()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"text": ""}, 400, "empty"),
        ({"text": "   \n\t  "}, 400, "empty"),
        ({"text": "ab\x00\x01\x02\x03" * 40}, 400, "binary"),
        ({"html": "<html><body><script>x()</script></body></html>"}, 400, "empty"),
        ({"text": "a", "html": "<p>b</p>"}, 422, "exactly one"),
        ({}, 422, "exactly one"),
        ({"text": "fine", "colour": "red"}, 422, "extra"),
        ({"text": 42}, 422, "string"),
    ],
)
def test_api_analyze_bad_input(app: Any, body: dict[str, Any], status: int, words: str) -> None:
    r = call(app, "POST", "/api/analyze", json=body)
    assert r.status_code == status, r.text
    assert r.json()["status"] == status
    assert words in r.json()["error"].lower()


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b'{"text": "caf\xe9 \xff\xfe"}', "utf-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        (b'{"text": "unterminated', "json"),
    ],
)
def test_api_analyze_undecodable_body(app: Any, raw: bytes, words: str) -> None:
    r = call(app, "POST", "/api/analyze", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert words in r.json()["error"].lower()


def test_body_limit_declared_and_streamed() -> None:
    small = create_app(detectors=DEMO, limits=Limits(max_bytes=2_000, max_chars=100_000))
    r = call(small, "POST", "/api/analyze", json={"text": "word " * 1_000})
    assert r.status_code == 413
    assert r.json() == {"error": "request body too large (the limit is 2,000 bytes)", "status": 413}

    async def chunks() -> Any:  # no Content-Length: the limit is counted while reading
        for _ in range(10):
            yield b" " * 500

    r = call(small, "POST", "/api/analyze", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert call(small, "POST", "/api/analyze", json={"text": "A short text."}).status_code == 200


def test_text_over_the_character_limit_is_400() -> None:
    small = create_app(detectors=DEMO, limits=Limits(max_bytes=100_000, max_chars=1_000))
    r = call(small, "POST", "/api/analyze", json={"text": "word " * 400})
    assert r.status_code == 400
    assert "too long" in r.json()["error"]


def test_unknown_api_path_is_json_404(app: Any) -> None:
    r = call(app, "GET", "/api/nothing-here")
    assert r.status_code == 404
    assert r.json()["status"] == 404


def test_analyses_run_concurrently_without_errors(app: Any) -> None:
    async def many() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            texts = [f"{EXAMPLE}\n\nVersion {i}." for i in range(6)]
            rs = await asyncio.gather(*(client.post("/api/analyze", json={"text": t}) for t in texts))
            return [r.status_code for r in rs]

    assert asyncio.run(many()) == [200] * 6


# --- token -------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def locked() -> Any:
    return create_app(detectors=DEMO, token=TOKEN)


@pytest.mark.parametrize("auth", [None, "Bearer wrong", "Bearer ", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_token_missing_or_wrong_is_401(locked: Any, auth: str | None) -> None:
    headers = {"authorization": auth} if auth is not None else {}
    for method, url, kw in [
        ("POST", "/api/analyze", {"json": {"text": "Some text."}}),
        ("GET", "/api/detectors", {}),
    ]:
        r = call(locked, method, url, headers=headers, **kw)
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"
        assert r.json()["status"] == 401


def test_token_right_is_accepted_and_health_stays_open(locked: Any) -> None:
    ok = {"authorization": f"Bearer {TOKEN}"}
    assert call(locked, "POST", "/api/analyze", json={"text": "Some text."}, headers=ok).status_code == 200
    assert call(locked, "GET", "/api/health").status_code == 200
    assert call(locked, "GET", "/static/app.css").status_code == 200


def test_token_protects_pages_and_login_sets_cookie(locked: Any) -> None:
    r = call(locked, "GET", "/")
    assert r.status_code == 401 and 'action="/login"' in r.text
    assert call(locked, "POST", "/analyze", data={"text": "Some text."}).status_code == 401
    assert call(locked, "POST", "/login", data={"token": "nope"}).status_code == 401
    r = call(locked, "POST", "/login", data={"token": TOKEN})
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    r = call(locked, "GET", "/", headers={"cookie": f"narrascope_token={TOKEN}"})
    assert r.status_code == 200 and 'id="analyse"' in r.text
    # the cookie is for pages: the API wants the header
    assert (
        call(locked, "GET", "/api/detectors", headers={"cookie": f"narrascope_token={TOKEN}"}).status_code
        == 401
    )


# --- pages -------------------------------------------------------------------------------------------------


def test_every_response_has_security_headers(app: Any) -> None:
    for method, url in [
        ("GET", "/"),
        ("GET", "/api/health"),
        ("GET", "/docs"),
        ("GET", "/static/app.js"),
        ("GET", "/nowhere"),
        ("GET", "/openapi.json"),
    ]:
        r = call(app, method, url)
        policy = r.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "unsafe-inline" not in policy, url
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert r.headers["x-content-type-options"] == "nosniff"


def test_analyse_page_has_the_form(app: Any) -> None:
    r = call(app, "GET", "/")
    assert r.status_code == 200
    assert 'enctype="multipart/form-data"' in r.text and 'name="file"' in r.text and 'name="text"' in r.text
    assert 'href="/corpus"' not in r.text  # no store: no corpus pages
    assert call(app, "GET", "/corpus").status_code == 404


def test_form_result_shows_the_report_with_hashed_inline_code(app: Any) -> None:
    r = call(app, "POST", "/analyze", data={"text": EXAMPLE, "kind": "text"})
    assert r.status_code == 200
    assert "<mark " in r.text and 'id="panel"' in r.text and 'class="legend"' in r.text
    assert 'href="#ev-' in r.text and "badge main" in r.text  # evidence links and role badges
    policy = r.headers["content-security-policy"]
    script = re.findall(r"<script>(.*?)</script>", r.text, re.DOTALL)
    style = re.findall(r"<style>(.*?)</style>", r.text, re.DOTALL)
    assert len(script) == 1 and len(style) == 1
    assert sha256_source(script[0]) in policy and sha256_source(style[0]) in policy


def test_hostile_article_is_escaped(app: Any) -> None:
    for kind in ("text", "auto"):
        r = call(app, "POST", "/analyze", data={"text": HOSTILE, "kind": kind})
        assert r.status_code == 200
        assert "window.__pwned" not in "".join(re.findall(r"<script[^>]*>(.*?)</script>", r.text, re.DOTALL))
        assert "<img" not in r.text and "onerror=" not in r.text.replace("onerror=&quot;", "")
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in r.text


def test_upload_text_and_html_files(app: Any) -> None:
    files = {"file": ("interview.txt", EXAMPLE.encode("utf-8"), "text/plain")}
    r = call(app, "POST", "/analyze", files=files, data={"text": ""})
    assert r.status_code == 200 and "<mark " in r.text
    files = {"file": ("page.html", NEWS_PAGE.encode("utf-8"), "text/html")}
    r = call(app, "POST", "/analyze", files=files)
    assert r.status_code == 200 and 'id="panel"' in r.text
    files = {"file": ("latin1.txt", "Caf\xe9 na pra\xe7a, disse o ministro. ".encode("latin-1") * 20, "")}
    r = call(app, "POST", "/analyze", files=files)
    assert r.status_code == 200 and "Café" in r.text


@pytest.mark.parametrize(
    ("data", "files", "words"),
    [
        ({"text": ""}, None, "empty"),
        ({}, {"file": ("x.bin", b"\x00\x01\x02\x03binary\x00" * 50, "application/octet-stream")}, "binary"),
    ],
)
def test_form_errors_show_the_form_again(
    app: Any, data: dict[str, str], files: dict[str, Any] | None, words: str
) -> None:
    r = call(app, "POST", "/analyze", data=data, files=files)
    assert r.status_code == 400
    assert 'role="alert"' in r.text and words in r.text.lower() and 'id="analyse"' in r.text


def test_docs_page_is_self_hosted(app: Any) -> None:
    r = call(app, "GET", "/docs")
    assert r.status_code == 200
    assert "/api/analyze" in r.text and "AnalyzeRequest" in r.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text)  # nothing from another host
    spec = call(app, "GET", "/openapi.json").json()
    assert {"/api/analyze", "/api/health", "/api/detectors"} <= set(spec["paths"])
    assert "/" not in spec["paths"]  # pages are not API


def test_static_files(app: Any) -> None:
    r = call(app, "GET", "/static/app.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert call(app, "GET", "/static/../_app.py").status_code == 404


def test_unknown_page_is_html_404(app: Any) -> None:
    r = call(app, "GET", "/nowhere")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


# --- corpus pages (with a store) ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pytest.importorskip("duckdb")
    from narrascope.ingest import article_from_text
    from narrascope.store import Store, versions_key

    analyzer = narrascope.Analyzer(detectors=DEMO)
    rows = [
        ("a1", "Daily Planet", "2024-03-04", "The West is always to blame, said Viktor Lamanov today."),
        ("a2", "Daily Planet", "2024-03-12", "A liberation, he called it. Olga Petrova disagreed with him."),
        ("a3", "Evening Star", "2024-03-13", "Nothing loaded here. Markets were calm and trading was quiet."),
    ]
    analyses = [
        analyzer.analyze(article_from_text(text, aid, outlet=outlet, published=day, title=f"Title {aid}"))
        for aid, outlet, day, text in rows
    ]
    db = tmp_path_factory.mktemp("corpus") / "corpus.duckdb"
    versions = analyzer.model_versions()
    with Store(db) as store:
        run = store.start_run(versions, "local", ["test"])
        store.write_batch(run, versions_key(versions), analyses, [], 0)
        store.finish_run(run)
    return create_app(db=db, detectors=DEMO)


def test_corpus_page_and_twin(corpus_app: Any) -> None:
    r = call(corpus_app, "GET", "/corpus")
    assert r.status_code == 200, r.text
    assert "<svg" in r.text and 'class="filters"' in r.text and "Daily Planet" in r.text
    data = call(corpus_app, "GET", "/api/corpus").json()
    assert data["stats"]["articles"] == 3 and data["stats"]["outlets"] == 2
    assert {p["group"] for p in data["prevalence_by_outlet"]} == {"Daily Planet", "Evening Star"}


def _rows(html: str, start: str, end: str) -> list[list[str]]:
    """The cells of each body row of the first table between ``start`` and ``end`` in ``html``."""
    from html import unescape

    part = html[html.index(start) :]
    part = part[: part.index(end)]
    body = part[part.index("<tbody>") : part.index("</tbody>")]
    return [[unescape(c) for c in re.findall(r"<td>(.*?)</td>", row)] for row in body.split("</tr>")[:-1]]


def test_corpus_page_and_twin_list_the_same_rows_beyond_the_caps(tmp_path: Path) -> None:
    """One summary value renders as the page and as its twin: a store with more entity roles and label pairs
    than the caps (50 roles, 20 pairs a task) gives the same capped rows on both."""
    pytest.importorskip("duckdb")
    from narrascope.store import Store
    from narrascope.types import Analysis, Article, Span

    names = [f"Person{i:02d}" for i in range(70)]
    text = " ".join(f"{n} spoke." for n in names)
    found = [Finding(f"Label{i}", 0.9 - i / 100) for i in range(8)]  # 28 pairs of document labels
    for i, n in enumerate(names):
        start = text.index(n)
        attrs = (("entity", n), ("main_role", "Antagonist" if i % 2 else "Protagonist"))
        found.append(Finding(n, 0.7, start, start + len(n), attrs=attrs))
    doc = Document(
        Article(text=text, id="big", outlet="O'Reilly & Sons"), "en", 1.0, (Span(0, len(text)),), ()
    )
    db = tmp_path / "big.duckdb"
    with Store(db) as store:
        run = store.start_run({}, "local", [])
        store.write_batch(
            run, "k", [Analysis(doc, (DetectorResult("webtest.v1", "demo-1", tuple(found)),))], [], 0
        )
    app = create_app(db=db, detectors=DEMO)
    page = call(app, "GET", "/corpus").text
    twin = call(app, "GET", "/api/corpus").json()
    roles = [
        [r["outlet"], r["entity"], r["main_role"], str(r["mentions"]), str(r["articles"])]
        for r in twin["entity_roles"]
    ]
    assert len(roles) == 50 and _rows(page, '<section id="entities">', "</section>") == roles
    pairs = [[c["label_a"], c["label_b"]] for c in twin["cooccurrence"]]
    shown = _rows(page, "<h3>Co-occurrence</h3>", "</section>")
    assert len(pairs) == 20 and [r[:2] for r in shown] == pairs
    assert twin["name"] == "big.duckdb" and "big.duckdb, written" in page  # the file's name, not the view's


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        ("", {"a1", "a2", "a3"}),
        ("?outlet=Daily+Planet", {"a1", "a2"}),
        ("?since=2024-03-10", {"a2", "a3"}),
        ("?since=2024-03-10&until=2024-03-12", {"a2"}),
        ("?label=Loaded_Language", {"a1", "a2"}),
        ("?lang=xx", set()),
        ("?outlet=%27+OR+1%3D1+--", set()),  # quoted, never SQL
    ],
)
def test_article_list_filters(corpus_app: Any, query: str, ids: set[str]) -> None:
    listing = call(corpus_app, "GET", "/api/articles" + query).json()
    assert {a["id"] for a in listing["articles"]} == ids and listing["total"] == len(ids)
    assert call(corpus_app, "GET", "/api/corpus" + query).json()["stats"]["articles"] == len(ids)
    page = call(corpus_app, "GET", "/articles" + query)
    assert page.status_code == 200
    assert {m for m in re.findall(r'href="/articles/(a\d)"', page.text)} == ids


def test_stored_article_opens_in_the_analyse_view(corpus_app: Any) -> None:
    r = call(corpus_app, "GET", "/articles/a1")
    assert r.status_code == 200 and "<mark " in r.text and 'id="panel"' in r.text
    assert 'rel="alternate"' in r.headers["link"]
    twin = call(corpus_app, "GET", "/api/articles/a1").json()
    assert twin["article"]["id"] == "a1" and twin["article"]["outlet"] == "Daily Planet"
    assert 'href="/articles/a1"' in call(corpus_app, "GET", "/").text  # picked from the analyse page


def test_corpus_errors(corpus_app: Any) -> None:
    assert call(corpus_app, "GET", "/api/articles/nope").status_code == 404
    assert call(corpus_app, "GET", "/articles/nope").status_code == 404
    r = call(corpus_app, "GET", "/api/corpus?since=yesterday")
    assert r.status_code == 422 and "since" in r.json()["error"]
    assert call(corpus_app, "GET", "/api/articles?limit=0").status_code == 422
