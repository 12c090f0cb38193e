"""The analyst's desk in a real browser: `narrascope serve` on a loopback port, Debian's chromium, Playwright.

Submits the example article, checks the highlighted view and the side panel for what /api/detectors says
runs, checks that script planted in an article never runs, and saves the README's screenshots.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests._browser import CHROMIUM_ARGS, need_chromium, sync_api
from tests._serve import get_json, serving

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
HOSTILE = (
    "Breaking: the minister spoke today about the budget and the coming election campaign.\n\n"
    "<script>window.__pwned=1</script>\n\n"
    '<img src=x onerror="window.__pwned=1">\n\n'
    "He said the opposition had always been to blame for every crisis the country faced."
)
# Screenshots go to a scratch folder, so a test run leaves the checkout as it found it; `make screenshots`
# points NARRASCOPE_SCREENSHOTS at docs/img to refresh the README's images.
SHOTS = os.environ.get("NARRASCOPE_SCREENSHOTS", "")
IMG = Path(SHOTS) if SHOTS else Path(tempfile.gettempdir()) / "narrascope-screenshots"


@dataclass(frozen=True)
class Server:
    url: str
    detectors: list[dict[str, Any]]


def loadable_detectors() -> list[str]:
    """The default detectors (the newest version of each) whose model loads here. Other test modules
    register test-only detectors in this process; the server subprocess does not have those."""
    from narrascope import Analyzer, NarrascopeError
    from narrascope.analyze.base import resolve
    from narrascope.pipeline import DEFAULT_DETECTORS

    names = []
    for name in (resolve(n) for n in DEFAULT_DETECTORS):
        try:
            _ = Analyzer(detectors=(name,)).loaded_detectors
        except (NarrascopeError, OSError):
            continue
        names.append(name)
    return names


def build_store(db: Path, detectors: list[str]) -> None:
    """A small corpus: the example and the saved pages of the test fixtures, two outlets, two weeks."""
    from narrascope import Analyzer
    from narrascope.ingest import article_from_html, article_from_text
    from narrascope.store import Store, versions_key

    fixtures = sorted((ROOT / "tests" / "fixtures").glob("*.html"))
    articles = [article_from_text(EXAMPLE, "interview", outlet="Example Wire", published="2024-03-04")]
    for i, page in enumerate(fixtures):
        html = page.read_text(encoding="utf-8")
        articles.append(article_from_html(html, page.stem, outlet="Test Pages", published=f"2024-03-1{i}"))
    analyzer = Analyzer(detectors=detectors)
    analyses = [analyzer.analyze(a) for a in articles]
    versions = analyzer.model_versions()
    with Store(db) as store:
        run = store.start_run(versions, "local", ["test_browser"])
        store.write_batch(run, versions_key(versions), analyses, [], 0)
        store.finish_run(run)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need_chromium()  # before the models load: no browser, no point (and in CI, a failure)
    detectors = loadable_detectors()
    db = tmp_path_factory.mktemp("store") / "corpus.duckdb"
    build_store(db, detectors)
    with serving(detectors, db) as url:
        yield Server(url, get_json(url + "/api/detectors")["detectors"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = need_chromium()
    with sync_api().sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    yield tab
    context.close()


def submit(page: Any, server: Server, text: str, kind: str = "auto") -> None:
    page.goto(server.url + "/")
    page.fill("#input-text", text)
    page.check(f'input[name="kind"][value="{kind}"]')
    page.click("#submit")
    page.wait_for_selector("#panel", state="visible", timeout=60_000)


def test_example_article_is_highlighted(page: Any, server: Server) -> None:
    submit(page, server, EXAMPLE)
    assert page.locator("#text").inner_text().startswith('"The West Started This War')
    tasks = {d["task"] for d in server.detectors}
    for task in tasks:
        assert page.locator(f'#panel section.task[data-task="{task}"]').is_visible(), task
    if not tasks:
        assert "No detector ran" in page.locator("#panel").inner_text()
    if "techniques" in tasks:
        marks = page.locator("#text mark")
        assert marks.count() > 0 and marks.first.is_visible()
        button = page.locator("button.lg").first  # the legend's filter (the report's hashed inline script)
        button.click()
        assert button.get_attribute("aria-pressed") == "false"
        button.click()
    if "narratives" in tasks:
        assert page.locator('#panel section.task[data-task="narratives"] li').count() > 0
    if "framing" in tasks:  # an entity's row marks all its mentions in the text, and unmarks them
        entity = page.locator("#panel button.ent").first
        key = entity.get_attribute("data-entity")
        own = page.locator(f'#text .mention[data-entity~="{key}"]')
        entity.click()
        assert entity.get_attribute("aria-pressed") == "true"
        assert own.count() > 0 and page.locator("#text .mention.picked").count() == own.count()
        entity.click()
        assert page.locator("#text .mention.picked").count() == 0
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
    IMG.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the legend clicks scrolled the panel: show the article's top
    page.screenshot(path=str(IMG / "analyse.png"))


@pytest.mark.parametrize("kind", ["text", "html", "auto"])
def test_planted_script_does_not_run(page: Any, server: Server, kind: str) -> None:
    submit(page, server, HOSTILE, kind)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    if kind == "text":
        assert "<script>window.__pwned=1</script>" in page.locator("#text").inner_text()
    assert page.locator("#text img").count() == 0 and page.locator("#text script").count() == 0


def test_corpus_page_and_article_list(page: Any, server: Server) -> None:
    page.goto(server.url + "/corpus")
    assert page.locator("form.filters").is_visible()
    assert page.locator("main.corpus table.data").first.is_visible()
    if server.detectors:
        assert page.locator("main.corpus svg").count() > 0
    page.screenshot(path=str(IMG / "corpus.png"), full_page=False)
    page.goto(server.url + "/articles?outlet=Example+Wire")
    page.click('a[href="/articles/interview"]')
    page.wait_for_selector("#panel", state="visible")
    assert page.locator("#text").inner_text().startswith('"The West Started This War')
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
