"""The web app's compare page and its JSON twin, in process (httpx ASGITransport), with the real models."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from narrascope.web import create_app

ROOT = Path(__file__).resolve().parents[1]
INTERVIEW = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
WIRE = (ROOT / "examples" / "wire.txt").read_text(encoding="utf-8")
DETECTORS = ("genre", "techniques", "narratives", "framing")
EVIL = "<script>window.__pwned=1</script>"


def call(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, **kw)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    pytest.importorskip("duckdb")
    from narrascope import Analyzer
    from narrascope.ingest import article_from_text
    from narrascope.store import Store, versions_key

    analyzer = Analyzer(detectors=DETECTORS)
    articles = [
        article_from_text(INTERVIEW, "interview", outlet="Example Wire", published="2024-03-04"),
        article_from_text(WIRE, "wire", outlet="Brussels Desk", published="2024-03-05"),
        article_from_text("Russia and Ukraine were named today. " + EVIL, "evil", outlet=EVIL, title=EVIL),
    ]
    db = tmp_path_factory.mktemp("compare") / "corpus.duckdb"
    versions = analyzer.model_versions()
    with Store(db) as store:
        run = store.start_run(versions, "local", ["test_web_compare"])
        store.write_batch(run, versions_key(versions), [analyzer.analyze(a) for a in articles], [], 0)
        store.finish_run(run)
    return create_app(db=db, detectors=DETECTORS)


def test_compare_form_lists_boxes_and_stored_articles(app: Any) -> None:
    r = call(app, "GET", "/compare")
    assert r.status_code == 200
    assert all(f'name="text{i}"' in r.text for i in range(1, 5))
    assert 'name="id" value="interview"' in r.text and 'name="id" value="wire"' in r.text
    assert '<a href="/compare">Compare</a>' in r.text  # in the site's navigation
    assert EVIL not in r.text


def test_compare_pasted_articles_page_and_json_twin(app: Any) -> None:
    r = call(app, "POST", "/compare", data={"text1": INTERVIEW, "text2": WIRE})
    assert r.status_code == 200, r.text
    assert "Comparison of 2 articles" in r.text and 'id="cmp-entities"' in r.text
    style = re.search(r"<style>(.*?)</style>", r.text, re.S)
    assert style is not None and "sha256-" in r.headers["content-security-policy"]
    twin = call(app, "POST", "/api/compare", json={"articles": [{"text": INTERVIEW}, {"text": WIRE}]})
    assert twin.status_code == 200
    d = twin.json()
    assert d["kind"] == "comparison" and len(d["articles"]) == 2
    assert d["articles"][1]["headline"] == WIRE.split("\n")[0]
    shared = [e["name"] for e in d["entities"] if e["shared"]]
    assert shared and all(n in r.text for n in shared)


def test_compare_stored_articles_and_twin(app: Any) -> None:
    r = call(app, "GET", "/compare?id=interview&id=wire")
    assert r.status_code == 200 and "Example Wire" in r.text and "Brussels Desk" in r.text
    assert "/api/compare?id=interview&amp;id=wire" in r.text  # rel=alternate
    d = call(app, "GET", "/api/compare?id=interview&id=wire").json()
    assert [a["outlet"] for a in d["articles"]] == ["Example Wire", "Brussels Desk"]


def test_compare_errors(app: Any) -> None:
    r = call(app, "POST", "/compare", data={"text1": INTERVIEW})
    assert r.status_code == 400 and "at least 2" in r.text
    assert call(app, "GET", "/compare?id=interview").status_code == 400
    assert call(app, "GET", "/compare?id=interview&id=nope").status_code == 404
    one = call(app, "POST", "/api/compare", json={"articles": [{"text": WIRE}]})
    assert one.status_code == 422
    five = call(app, "POST", "/api/compare", json={"articles": [{"text": WIRE}] * 5})
    assert five.status_code == 422
    empty = call(app, "POST", "/api/compare", json={"articles": [{"text": WIRE}, {"text": "  "}]})
    assert empty.status_code == 400 and "article 2" in empty.json()["error"]


def test_hostile_stored_article_is_inert_in_the_compare_page(app: Any) -> None:
    r = call(app, "GET", "/compare?id=evil&id=wire")
    assert r.status_code == 200
    assert EVIL not in r.text and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in r.text
