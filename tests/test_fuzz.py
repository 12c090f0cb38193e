"""Fuzzing of ingest, extraction and analysis with hypothesis: hostile bytes and text in, never a crash.

Every input file yields either an ``Article`` (whose text is normalised, within the limits and segmentable
with exact offsets) or a ``DocumentError`` naming the file; nothing else escapes, and no example runs past
a hard per-example time limit. The fast ``genre`` detector then runs on random texts: every finding's
offsets index the stored text.

Runs derandomized with bounded examples for CI; ``NARRASCOPE_FUZZ_SCALE=20`` multiplies the examples for a
longer local run (the figures in ``docs/reliability.md``).
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from narrascope.extract import normalize_text, prepare
from narrascope.ingest import article_from_html, article_from_text, iter_articles
from narrascope.types import Article, Document, DocumentError, InputError, Limits, Span

SCALE = max(1, int(os.environ.get("NARRASCOPE_FUZZ_SCALE", "1")))
HARD_LIMIT_S = 20.0  # per example, on a shared loaded 2-core machine; typical examples take milliseconds
TRIED: dict[str, int] = {}


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        derandomize=SCALE == 1,
        deadline=None,  # the watchdog below is the per-example limit: timing-based flakiness is avoided
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )


class Hang(Exception):
    """An example ran past the per-example limit."""


@contextmanager
def watchdog(seconds: float = HARD_LIMIT_S) -> Iterator[None]:
    def fire(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"example ran past {seconds:.0f} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def count(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


# --- strategies -------------------------------------------------------------------------------------------

TRICKY = list(
    "\u0301\u0308\u0327\u20dd\u05d0\u05d1\u05b4\u0627\u0644\u064b\u200b\u200c\u200d\u2060\ufeff\u202e"
    "\u202d\u2066\u2069\u200f\u00a0\u3000\u2028\u2029\x85\x0b\x0c\r\n\t \ufffd\U0001f600\U0001f1fa\u0000"
    "\x1b\x7f\u00ad\ufdd0\uffff.!?…。«»\"'<>&;"
)
ENCODINGS = (
    "utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32", "latin-1", "cp1251", "cp1252", "koi8-r",
    "shift_jis", "gb18030", "iso-8859-7",
)  # fmt: skip
HTML_TAGS = ("div", "span", "p", "b", "section", "table", "tr", "td", "ul", "li", "svg", "a", "article", "em")

tricky_chars = st.one_of(st.characters(), st.sampled_from(TRICKY))
tricky_text = st.text(tricky_chars, max_size=600)
surrogates = st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=4)


@st.composite
def encoded_text(draw: Any) -> bytes:
    """Unicode text in one encoding, or pieces in several (mixed encodings), lone surrogates as bytes."""
    pieces = draw(st.lists(st.tuples(tricky_text, st.sampled_from(ENCODINGS)), min_size=1, max_size=4))
    out = b"".join(text.encode(enc, errors="replace") for text, enc in pieces)
    if draw(st.booleans()):
        at = draw(st.integers(0, len(out)))
        out = out[:at] + draw(surrogates).encode("utf-8", errors="surrogatepass") + out[at:]
    return out


@st.composite
def nested_html(draw: Any) -> str:
    """Deeply nested (possibly past the depth limit), possibly truncated, tag soup."""
    depth = draw(st.integers(0, 1200))
    tags = draw(st.lists(st.sampled_from(HTML_TAGS), min_size=1, max_size=5))
    words = draw(st.text(tricky_chars, max_size=80))
    opens = "".join(f"<{tags[i % len(tags)]} class=x>" for i in range(depth))
    closes = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth)))
    head = f"<!doctype html><html><head><title>{words}</title></head>"
    page = f"{head}<body>{opens}{words}{closes}</body></html>"
    if draw(st.booleans()):
        page = page[: draw(st.integers(0, len(page)))]
    return page


SOUP = (
    "<div>", "</div>", "<p>", "<!--", "-->", "<![CDATA[", "]]>", "<", ">", "&#0;", "&#xD800;", "&amp",
    "<script>", "</script>", "<style>", "<svg><foreignObject>", "<math>", "<table>", "<br/>",
    "<!doctype html>", "<meta charset=utf-16>", "<title>", "</title", "<textarea>",
)  # fmt: skip
html_soup = st.lists(st.one_of(st.sampled_from(SOUP), tricky_text), max_size=40).map("".join)


@st.composite
def huge_line(draw: Any) -> str:
    unit = draw(st.sampled_from(["a", "ab ", "word. ", ".", " ", "\u0301", "x\u200b", "<b>", "ж"]))
    size = draw(st.integers(20_000, 300_000))
    return unit * (size // len(unit) + 1)


file_bytes = st.one_of(
    st.binary(max_size=3000),
    encoded_text(),
    nested_html().map(lambda s: s.encode("utf-8", errors="surrogatepass")),
    html_soup.map(lambda s: s.encode("utf-8", errors="surrogatepass")),
    huge_line().map(lambda s: s.encode("utf-8")),
)
limits_st = st.sampled_from([Limits(), Limits(max_bytes=50_000, max_chars=40_000, max_html_depth=40)])


# --- invariants -------------------------------------------------------------------------------------------


def check_spans(text: str, spans: tuple[Span, ...]) -> None:
    last = 0
    for s in spans:
        assert last <= s.start < s.end <= len(text), (s, len(text))
        piece = text[s.start : s.end]
        assert piece == piece.strip() and piece
        last = s.end


def check_article(article: Article, limits: Limits) -> Document:
    text = article.text
    assert text.strip() and len(text) <= limits.max_chars
    assert normalize_text(text) == text
    text.encode("utf-8")  # storable
    doc = prepare(article)
    check_spans(text, doc.paragraphs)
    check_spans(text, doc.sentences)
    for s in doc.sentences:  # every sentence lies inside one paragraph
        assert any(p.start <= s.start and s.end <= p.end for p in doc.paragraphs), s
    return doc


@pytest.fixture(scope="module", autouse=True)
def tally() -> Iterator[None]:
    """Print how many inputs were tried (seen with ``pytest -s``; the figure in docs/reliability.md)."""
    started = time.monotonic()
    yield
    print(f"\nfuzz inputs tried: {dict(sorted(TRIED.items()))} in {time.monotonic() - started:.0f} s")


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="narrascope-fuzz-") as d:
        yield Path(d)


# --- ingest and extraction --------------------------------------------------------------------------------


@fuzz_settings(120)
@example(data=b"<svg>html", suffix=".html", limits=Limits())  # found by this test: lxml AssertionError
@given(data=file_bytes, suffix=st.sampled_from([".txt", ".html"]), limits=limits_st)
def test_any_file_gives_an_article_or_a_named_error(
    folder: Path, data: bytes, suffix: str, limits: Limits
) -> None:
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    count("files")
    with watchdog():
        items = list(iter_articles([path], limits))
        assert len(items) == 1
        item = items[0]
        count("files: error" if isinstance(item, DocumentError) else "files: article")
        if isinstance(item, DocumentError):
            assert item.source == str(path) and item.problem and str(path) in str(item)
        else:
            assert isinstance(item, Article) and item.source == str(path)
            check_article(item, limits)


def ingest_or_error(build: Any, value: str, limits: Limits) -> Article | None:
    try:
        article: Article = build(value, "fz", limits=limits, source="fuzz-input")
        return article
    except InputError as exc:
        assert exc.source == "fuzz-input" and exc.problem
        return None


@fuzz_settings(150)
@example(text="abc \ud800 def")  # found by this test: UnicodeEncodeError from the content hash
@given(text=st.one_of(tricky_text, st.text(st.one_of(tricky_chars, st.sampled_from(["\ud800", "\udfff"])))))
def test_any_text_gives_an_article_or_an_input_error(text: str) -> None:
    count("texts")
    with watchdog():
        article = ingest_or_error(article_from_text, text, Limits())
        if article is not None:
            check_article(article, Limits())


@fuzz_settings(80)
@example(html="<svg><foreignObject><!doctype html>", limits=Limits())  # found by this test
@example(html="<br/>\x08", limits=Limits())  # found by this test: lxml ValueError on a control character
@given(html=st.one_of(nested_html(), html_soup), limits=limits_st)
def test_any_html_gives_an_article_or_an_input_error(html: str, limits: Limits) -> None:
    count("html")
    with watchdog():
        article = ingest_or_error(article_from_html, html, limits)
        if article is not None:
            check_article(article, limits)


@fuzz_settings(6)
@given(line=huge_line(), as_html=st.booleans())
def test_huge_single_lines_are_quick(line: str, as_html: bool) -> None:
    count("huge")
    started = time.monotonic()
    with watchdog():
        build = article_from_html if as_html else article_from_text
        article = ingest_or_error(build, f"<p>{line}</p>" if as_html else line, Limits())
        if article is not None:
            check_article(article, Limits())
    assert time.monotonic() - started < HARD_LIMIT_S


# --- analysis ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def genre() -> Any:
    from narrascope import Analyzer

    analyzer = Analyzer(detectors=("genre",))
    try:
        _ = analyzer.loaded_detectors
    except OSError as exc:  # pragma: no cover - the model ships with the package
        pytest.skip(f"genre model not loadable: {exc}")
    return analyzer


sentence_like = st.lists(
    st.one_of(tricky_text, st.sampled_from(["The minister lied.", "Они врут!", "¿Qué pasa?", "戦争だ。"])),
    min_size=1,
    max_size=8,
).map(" ".join)


@fuzz_settings(12)
@given(texts=st.lists(sentence_like, min_size=1, max_size=6))
def test_findings_index_the_stored_text(genre: Any, texts: list[str]) -> None:
    count("analysis batches")
    items: list[Article | DocumentError] = []
    for i, text in enumerate(texts):
        try:
            items.append(article_from_text(text, f"t{i}"))
        except InputError as exc:
            items.append(DocumentError(exc.source, exc.problem))
    with watchdog(60):
        outcomes = list(genre.run(items))
    assert len(outcomes) == len(items)
    for item, outcome in zip(items, outcomes, strict=True):
        assert (outcome.analysis is None) != (outcome.error is None)
        if outcome.analysis is None:
            continue
        assert isinstance(item, Article) and outcome.analysis.document.article == item
        check_findings(outcome.analysis)


def check_findings(analysis: Any) -> None:
    n = len(analysis.document.text)
    for result in analysis.results:
        for f in result.findings:
            if f.start is not None:
                assert 0 <= f.start <= f.end <= n, (f, n)
            for e in f.evidence:
                assert 0 <= e.start < e.end <= n, (e, n)
                assert e in analysis.document.sentences
