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

pytestmark = pytest.mark.browser

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


# --- the analyst's view: summary first, the legend and its filters, the compare page -----------------------

WIRE = (ROOT / "examples" / "wire.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Path:
    """The HTML report of the example, as `narrascope analyze --format html` writes it."""
    from narrascope import Analyzer
    from narrascope.ingest import article_from_text
    from narrascope.report import to_html

    article = article_from_text(EXAMPLE, "interview", outlet="Example Wire", published="2024-03-04")
    analysis = Analyzer(detectors=loadable_detectors()).analyze(article)
    path = tmp_path_factory.mktemp("report") / "interview.html"
    path.write_text(to_html(analysis), encoding="utf-8")
    return path


def open_report(page: Any, path: Path) -> list[str]:
    """Open the report from disk; the URLs of every request it made (only itself, when self-contained)."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector("#text")
    return requests


def visible_lines(page: Any, keys: list[str] | None = None) -> int:
    """Underlines shown in the text (all, or those of the given label keys)."""
    return int(
        page.evaluate(
            "keys => [...document.querySelectorAll('#text .ln:not(.off)')]"
            ".filter(e => !keys || keys.includes(e.dataset.key)).length",
            keys,
        )
    )


def set_confidence(page: Any, value: str) -> None:
    """Move the slider as a user would: a new value, then the input event."""
    page.locator("#conf").evaluate(
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", value
    )


def tip_of(page: Any, selector: str) -> str:
    return str(page.evaluate(f"getComputedStyle(document.querySelector('{selector}'), '::after').content"))


def test_report_opens_on_the_summary_above_the_text(page: Any, server: Server, report_file: Path) -> None:
    requests = open_report(page, report_file)
    assert requests == [report_file.as_uri()]  # one self-contained file: nothing else is fetched
    assert page.locator("#headline").inner_text().startswith('"The West Started This War')
    assert "Example Wire" in page.locator("header.page .facts").inner_text()
    text_top = page.locator("#text").bounding_box()["y"]
    assert page.locator("#summary").bounding_box()["y"] < text_top
    tasks = {d["task"] for d in server.detectors}
    if "techniques" in tasks:
        density = page.locator('#summary .fact[data-fact="persuasion-density"]')
        assert density.is_visible() and "per 1,000 words" in density.inner_text()
        assert density.locator("svg.bars rect").count() == 6  # one bar per technique group
        assert page.locator("#legend").bounding_box()["y"] < text_top
    if "narratives" in tasks:
        lead = page.locator('#summary .fact[data-fact="dominant-narrative"]')
        assert lead.locator(".narrative").inner_text().strip()
        quote = lead.locator("blockquote a")
        target = quote.get_attribute("href")
        assert target and page.locator(target).count() == 1  # the sentence's anchor in the text
    if "framing" in tasks:
        cast = page.locator('#summary .fact[data-fact="cast"]')
        assert cast.locator('.role[data-role="Antagonist"]').count() == 1
        who = cast.locator("button.ent.who").first
        who.click()
        assert who.get_attribute("aria-pressed") == "true"
        assert page.locator("#text .mention.picked").count() > 0
        who.click()
        assert page.locator("#text .mention.picked").count() == 0
    assert page.errors == [], page.errors
    IMG.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(IMG / "report.png"))


def test_legend_defines_labels_and_its_filters_hide_highlights(
    page: Any, server: Server, report_file: Path
) -> None:
    if "techniques" not in {d["task"] for d in server.detectors}:
        pytest.skip("the techniques detector's model is not here: nothing is highlighted")
    open_report(page, report_file)
    buttons = page.locator("#legend button.lg")
    assert buttons.count() > 0
    for i in range(buttons.count()):
        assert page.locator("#legend li").nth(i).locator(".def").inner_text().strip()
    total = visible_lines(page)
    assert total > 0 and " of " in page.locator("#shown").inner_text()
    # a technique's button hides its underlines, and only those
    key = buttons.first.get_attribute("data-key")
    buttons.first.click()
    assert visible_lines(page, [key]) == 0 and buttons.first.get_attribute("aria-pressed") == "false"
    buttons.first.click()
    assert visible_lines(page) == total
    # a group's box hides every label of the group
    group = page.locator("#legend input.grp").first
    gid = group.get_attribute("data-group")
    keys = [b.get_attribute("data-key") for b in page.locator(f'#legend button.lg[data-group="{gid}"]').all()]
    group.uncheck()
    assert visible_lines(page, keys) == 0 and visible_lines(page) < total
    group.check()
    assert visible_lines(page) == total
    # the confidence control: at 1.0 nothing is left, at 0 everything is back
    scores = page.evaluate("[...document.querySelectorAll('#text .ln')].map(e => +e.dataset.score)")
    set_confidence(page, "1")
    assert visible_lines(page) == sum(s >= 1 for s in scores)
    assert page.locator("#conf-value").inner_text() == "1.00"
    set_confidence(page, "0.4")
    assert visible_lines(page) == sum(s >= 0.4 for s in scores)
    set_confidence(page, "0")
    assert visible_lines(page) == total
    # hover and keyboard focus show technique, definition and score
    first = page.locator("#text mark").first
    first.hover()
    tip = tip_of(page, "#text mark:hover")
    assert "(0." in tip or "(1.00)" in tip
    page.mouse.move(0, 0)
    first.focus()
    focused = tip_of(page, "#text mark:focus")
    assert focused == tip and len(focused) > 40  # name (score) and the definition
    assert page.errors == [], page.errors
    first.scroll_into_view_if_needed()
    page.screenshot(path=str(IMG / "report-highlights.png"))


def test_compare_page_side_by_side(page: Any, server: Server) -> None:
    page.goto(server.url + "/compare")
    page.fill("#text1", EXAMPLE)
    page.fill("#text2", WIRE)
    page.click("#compare-submit")
    page.wait_for_selector("#compare", state="visible", timeout=90_000)
    heads = page.locator("#cmp-articles thead th")
    assert heads.count() == 3  # the row names, then A and B
    assert "Sanctions debate returns" in heads.nth(2).inner_text()
    assert page.locator("#cmp-density tbody tr").count() == 7  # six groups and the total
    if "framing" in {d["task"] for d in server.detectors}:
        shared = page.locator("#cmp-entities tr.shared")
        assert shared.count() > 0
        assert shared.first.locator("td[data-role]").count() == 2  # one role per article, on one row
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
    page.screenshot(path=str(IMG / "compare.png"), full_page=False)
    # stored articles compare too, from the store's list
    page.goto(server.url + "/compare")
    boxes = page.locator('#compare-stored input[name="id"]')
    assert boxes.count() >= 2
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#compare-stored button[type=submit]")
    page.wait_for_selector("#compare", state="visible", timeout=30_000)
    assert page.locator("#cmp-articles thead th").count() == 3
