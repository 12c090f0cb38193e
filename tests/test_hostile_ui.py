"""Hostile articles in a real browser: script, event handlers, ``javascript:`` links, SVG, CSS tricks, frames
and meta refresh, submitted as text and as HTML and stored in a corpus, are all rendered inert.

Every payload sets ``window.__pwned``: it must stay undefined. Playwright's request interception records
(and aborts) any request that leaves 127.0.0.1, and the page must not navigate away. The access checks at
the end (token, paths) run in process and need no browser.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests._browser import CHROMIUM_ARGS, need_chromium, sync_api
from tests._serve import serving

ROOT = Path(__file__).resolve().parents[1]
DETECTORS = ("genre", "techniques")
EVIL = "http://evil.example"
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '<a id="jsl" href="javascript:window.__pwned=3">click for more</a>',
    '<svg onload="window.__pwned=4"><circle r="5"/></svg>',
    f"<style>body{{background:url({EVIL}/bg.png)}} #text{{display:none}}</style>",
    f'<div style="background-image:url({EVIL}/div.png)">styled</div>',
    f'<iframe src="{EVIL}/" srcdoc="<script>parent.__pwned=5</script>"></iframe>',
    f'<meta http-equiv="refresh" content="0;url={EVIL}/refresh">',
    f'<link rel="stylesheet" href="{EVIL}/s.css"><base href="{EVIL}/">',
    '<details open ontoggle="window.__pwned=6"><summary>x</summary></details>',
    '<input autofocus onfocus="window.__pwned=7">',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=8">',
    '<noscript><p title="</noscript><img src=x onerror=window.__pwned=9>"></noscript>',
    f'<object data="{EVIL}/o.swf"></object><embed src="{EVIL}/e.swf">',
    f'<form action="{EVIL}/steal"><button formaction="javascript:window.__pwned=10">go</button></form>',
)
BODY = (
    "The minister spoke today about the budget and the coming election campaign.\n\n"
    + "\n\n".join(f"Paragraph {i}: {p} and the opposition is to blame." for i, p in enumerate(PAYLOADS))
    + "\n\nHe said the opposition had always been to blame for every crisis the country faced."
)
HOSTILE_HTML = (
    '<!doctype html><html><head><title>Hostile "page"</title>'
    f'<meta http-equiv="refresh" content="0;url={EVIL}/head"><script>window.__pwned=20</script>'
    f'<link rel="stylesheet" href="{EVIL}/head.css"></head><body onload="window.__pwned=21"><article>'
    + "".join(f"<p>Paragraph {i}: {p} and the opposition is to blame.</p>" for i, p in enumerate(PAYLOADS))
    + "<p>He said the opposition had always been to blame for every crisis the country faced.</p>"
    + "</article></body></html>"
)
HOSTILE_ID = 'x"><img src=x onerror=window.__pwned=30>'
DANGEROUS = "script, img, iframe, svg, style, link, meta, object, embed, form, input, base, math, details"
# the summary, legend and compare page draw their own svg charts, checkboxes and <details>: all else is out
DANGEROUS_AROUND = (
    "script, img, iframe, style, link, meta, object, embed, form, base, math, textarea, video, audio"
)
AROUND = "header.page, #summary, #legend, #compare"


@dataclass
class Watch:
    """What a tab tried: requests that left the loopback interface, and main-frame navigations."""

    outside: list[str] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)


def build_store(db: Path) -> None:
    from narrascope import Analyzer
    from narrascope.ingest import article_from_text
    from narrascope.store import Store, versions_key

    article = article_from_text(
        BODY, HOSTILE_ID, outlet="<script>window.__pwned=31</script>", title=BODY[:60]
    )
    analyzer = Analyzer(detectors=("genre",))
    versions = analyzer.model_versions()
    with Store(db) as store:
        run = store.start_run(versions, "local", ["test_hostile_ui"])
        store.write_batch(run, versions_key(versions), [analyzer.analyze(article)], [], 0)
        store.finish_run(run)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    need_chromium()  # the hostile-UI checks need a browser (in CI, a missing one fails)
    db = tmp_path_factory.mktemp("hostile") / "corpus.duckdb"
    build_store(db)
    with serving(list(DETECTORS), db) as url:
        yield url


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[Any]:
    executable = need_chromium()
    with sync_api().sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context()
    watch = Watch()

    def route(r: Any) -> None:
        host = urllib.parse.urlsplit(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
            r.continue_()
        else:
            watch.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("framenavigated", lambda f: watch.navigations.append(f.url) if f == page.main_frame else None)
    yield page, watch
    context.close()


def assert_inert(page: Any, watch: Watch, server: str) -> None:
    page.wait_for_timeout(1200)  # a meta refresh of 0-1 s, or a late onerror, would have fired by now
    for link in page.locator("#text a").all():
        link.click(timeout=2_000, no_wait_after=True)
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert watch.outside == [], f"requests left the loopback interface: {watch.outside}"
    assert all(u.startswith(server) for u in watch.navigations), watch.navigations
    assert page.url.startswith(server)
    assert page.locator("#text").count() == 1 and page.locator("#text").is_visible()
    assert page.locator(f"#text :is({DANGEROUS})").count() == 0
    handlers = page.evaluate(
        "[...document.querySelectorAll('#text *')].flatMap(e => [...e.attributes].map(a => a.name))"
        ".filter(n => n.startsWith('on') || n === 'href' || n === 'src' || n === 'style')"
    )
    assert handlers == []
    assert_inert_around(page)


def assert_inert_around(page: Any) -> None:
    """The views around the text (headline, summary, legend, compare page): no planted element or handler,
    links only to anchors of the page, svg only the renderer's own charts."""
    assert page.locator(f":is({AROUND}) :is({DANGEROUS_AROUND})").count() == 0
    bad = page.evaluate(
        f"[...document.querySelectorAll(':is({AROUND}), :is({AROUND}) *')].flatMap(e => [...e.attributes]"
        ".filter(a => a.name.startsWith('on') || a.name === 'src' || a.name === 'style' || "
        "(a.name === 'href' && !a.value.startsWith('#'))).map(a => e.tagName + ' ' + a.name))"
    )
    assert bad == []
    charts = page.evaluate(
        f"[...document.querySelectorAll(':is({AROUND}) svg')].map(s => s.getAttribute('class'))"
    )
    assert all(c in ("bars", "cbar") for c in charts), charts
    assert page.evaluate("typeof window.__pwned") == "undefined"


@pytest.mark.browser
def test_control_the_payloads_do_fire_when_not_escaped(tab: tuple[Any, Watch], server: str) -> None:
    """The checks can fail: the same payloads, put raw into a page, run script and reach outside."""
    page, watch = tab
    page.goto("about:blank")
    scripts = [p for p in PAYLOADS if "refresh" not in p]
    page.set_content("<main id=text>" + "".join(scripts) + "</main>")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") != "undefined"
    assert watch.outside, "no outside request was recorded"
    page.set_content(next(p for p in PAYLOADS if "refresh" in p))
    page.wait_for_timeout(1000)
    assert any(u.startswith(EVIL) for u in watch.outside + watch.navigations), watch


def submit(page: Any, server: str, text: str, kind: str) -> None:
    page.goto(server + "/")
    page.fill("#input-text", text)
    page.check(f'input[name="kind"][value="{kind}"]')
    page.click("#submit")
    page.wait_for_selector("#panel", state="visible", timeout=90_000)


@pytest.mark.browser
def test_payloads_as_text_are_shown_literally_and_inert(tab: tuple[Any, Watch], server: str) -> None:
    page, watch = tab
    submit(page, server, BODY, "text")
    shown = page.locator("#text").inner_text()
    for payload in PAYLOADS:
        assert payload in shown
    assert_inert(page, watch, server)


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["html", "auto"])
def test_payloads_as_html_are_inert(tab: tuple[Any, Watch], server: str, kind: str) -> None:
    page, watch = tab
    submit(page, server, HOSTILE_HTML, kind)
    # the page's text is shown (an unclosed <style> in a payload may swallow the paragraphs after it)
    assert "Paragraph 0: and the opposition is to blame." in page.locator("#text").inner_text()
    assert_inert(page, watch, server)


@pytest.mark.browser
def test_stored_hostile_article_and_metadata_are_inert(tab: tuple[Any, Watch], server: str) -> None:
    page, watch = tab
    page.goto(server + "/articles")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    page.goto(server + "/articles/" + urllib.parse.quote(HOSTILE_ID, safe=""))
    page.wait_for_selector("#panel", state="visible", timeout=30_000)
    assert "<script>window.__pwned=1</script>" in page.locator("#text").inner_text()
    assert_inert(page, watch, server)
    page.goto(server + "/corpus")
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined" and watch.outside == []


@pytest.mark.browser
def test_hostile_headline_and_summary_are_inert(tab: tuple[Any, Watch], server: str) -> None:
    """The first line is the headline: a payload there is shown as text, in the header and the title."""
    page, watch = tab
    first = PAYLOADS[0] + " " + PAYLOADS[1]
    submit(page, server, first + "\n\n" + BODY, "text")
    assert page.locator("#headline").inner_text() == first
    assert first in page.title()
    assert_inert(page, watch, server)


@pytest.mark.browser
def test_compare_page_with_hostile_articles_is_inert(tab: tuple[Any, Watch], server: str) -> None:
    page, watch = tab
    page.goto(server + "/compare")
    page.fill("#text1", PAYLOADS[0] + "\n\n" + BODY)
    page.fill("#text2", HOSTILE_HTML)
    page.click("#compare-submit")
    page.wait_for_selector("#compare", state="visible", timeout=90_000)
    assert PAYLOADS[0] in page.locator("#cmp-articles thead").inner_text()
    page.wait_for_timeout(1200)
    assert watch.outside == [] and page.url.startswith(server)
    assert_inert_around(page)


# --- access: no browser needed ----------------------------------------------------------------------------


def call(app: Any, method: str, url: str, **kw: Any) -> httpx.Response:
    import asyncio

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.request(method, url, **kw)

    with ThreadPoolExecutor(1) as pool:  # a thread of its own: Playwright's sync API holds this one's loop
        return pool.submit(asyncio.run, go()).result()


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../../etc/passwd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/articles/..%2f..%2f..%2fetc%2fpasswd",
        "/api/articles/..%2F..%2Fetc%2Fpasswd",
        "/api/articles/%2Fetc%2Fpasswd",
    ],
)
def test_no_endpoint_reads_a_path_the_user_names(tmp_path: Path, path: str) -> None:
    from narrascope.store import Store
    from narrascope.web import create_app

    db = tmp_path / "empty.duckdb"
    Store(db).close()
    app = create_app(db=db, detectors=())
    r = call(app, "GET", path)
    assert r.status_code in (400, 404), (path, r.status_code)
    assert "root:" not in r.text and "[project]" not in r.text


def test_token_guards_every_route_but_health_and_static(tmp_path: Path) -> None:
    from narrascope.store import Store
    from narrascope.web import create_app

    db = tmp_path / "empty.duckdb"
    Store(db).close()
    app = create_app(db=db, token="s3cret-token", detectors=())
    pages = {"/", "/analyze", "/docs", "/openapi.json", "/corpus", "/articles", "/articles/{article_id}"}
    paths = sorted((set(app.openapi()["paths"]) | pages) - {"/api/health"})
    assert "/api/analyze" in paths and "/api/articles/{article_id}" in paths
    for path in paths:
        url = path.replace("{article_id}", "x")
        for method in ("GET", "POST"):
            for headers in ({}, {"Authorization": "Bearer s3cret-tokeX"}, {"Cookie": "narrascope_token=no"}):
                r = call(app, method, url, headers=headers)
                assert r.status_code == 401, (method, path, headers, r.status_code)
    assert call(app, "GET", "/api/health").status_code == 200
    ok = call(app, "GET", "/api/articles", headers={"Authorization": "Bearer s3cret-token"})
    assert ok.status_code == 200
