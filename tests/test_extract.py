"""Tests of narrascope.extract: normalisation, segmentation, language identification, HTML extraction."""

from __future__ import annotations

import html as htmllib
import itertools
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import narrascope.extract as extract
from narrascope.extract import (
    MAX_SENTENCE_CHARS,
    detect_language,
    html_depth,
    html_to_text,
    normalize_text,
    prepare,
    remove_furniture,
    split_paragraphs,
    split_sentences,
)
from narrascope.types import Article, InputError, Limits, Span

FIXTURES = Path(__file__).parent / "fixtures"

NEWS_PARAGRAPHS = [
    "The council of Port Wenlow voted late on Wednesday to rebuild the stretch of sea wall",
    "Eleven councillors backed the plan and four voted against it.",
    "Residents of the lower harbour, where water reached the first floor of several houses",
    "Opponents argued that the council should wait for an independent survey",
    "Work is due to begin in May and should take about eighteen months.",
    "The council will publish the full contract and the engineers' report on its website next week",
]
FURNITURE = [
    "Leave a Reply",
    "Your email address will not be published",
    "Required fields are marked",
    "Back to top",
    "Share this",
    "Share on Facebook",
    "Share on Twitter",
    "We use cookies",
    "Subscribe to our newsletter",
    "Related posts",
    "Post Comment",
    "All rights reserved",
    "Most read",
    "Politics",
    "Search the Ledger",
    "Storm leaves dozens of homes",
]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test that opens a network connection (trafilatura must never fetch)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield


def texts(text: str, spans: tuple[Span, ...]) -> list[str]:
    return [s.text_of(text) for s in spans]


def sentences(text: str) -> list[str]:
    return texts(text, split_sentences(text, split_paragraphs(text)))


# --- public surface -------------------------------------------------------------------------------


def test_all_is_sorted_and_complete() -> None:
    assert extract.__all__ == sorted(extract.__all__, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for name in extract.__all__:
        assert hasattr(extract, name)


# --- normalize_text -------------------------------------------------------------------------------


def test_normalize_line_endings_bom_controls_and_trailing_space() -> None:
    raw = "\ufeffFirst line  \r\nSecond\x00 line\t\rThird\x07 line\n\n  Indented\x0cpage"
    assert normalize_text(raw) == "First line\nSecond line\nThird line\n\n  Indented\npage"


def test_normalize_is_nfc_and_keeps_tabs_and_zero_width() -> None:
    decomposed = "Cafe\u0301 \u0439\tx\u200by"  # e + combining acute becomes é; tab and ZWSP stay
    out = normalize_text(decomposed)
    assert out == "Café \u0439\tx\u200by"
    assert normalize_text("и\u0306") == "й"


def test_normalize_is_idempotent() -> None:
    raw = "a \r\n\r\nb\u2028c\x85d \u00a0\n"
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert once == "a\n\nb\nc\nd\n"


# --- split_paragraphs -----------------------------------------------------------------------------


def test_paragraphs_are_non_empty_lines_trimmed() -> None:
    text = "  Title line \n\nFirst paragraph.\n   \n\tSecond paragraph. Two sentences.\n"
    paras = split_paragraphs(text)
    assert texts(text, paras) == ["Title line", "First paragraph.", "Second paragraph. Two sentences."]
    assert paras[0] == Span(2, 12)


def test_paragraphs_follow_input_lines() -> None:
    text = "one\n\ntwo\nthree\n\n\nfour"
    line_of = [text.count("\n", 0, p.start) + 1 for p in split_paragraphs(text)]
    assert line_of == [1, 3, 4, 7]


def test_paragraphs_of_empty_text() -> None:
    assert split_paragraphs("") == ()
    assert split_paragraphs(" \n\t\n") == ()


# --- split_sentences ------------------------------------------------------------------------------


def test_sentences_basic_and_quotes() -> None:
    text = 'He said: "It is over." Then he left! Did she stay? Nobody knows.'
    assert sentences(text) == ['He said: "It is over."', "Then he left!", "Did she stay?", "Nobody knows."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Dr. Jones today. They talked.", ["Mr. Smith met Dr. Jones today.", "They talked."]),
        ("The U.S. officials agreed. Talks resume.", ["The U.S. officials agreed.", "Talks resume."]),
        ("Prices rose 3.5 percent. Wages fell.", ["Prices rose 3.5 percent.", "Wages fell."]),
        (
            "Some fruit, e.g. apples, were sold. Others not.",
            ["Some fruit, e.g. apples, were sold.", "Others not."],
        ),
        ("We bought pens, paper etc. Then we left.", ["We bought pens, paper etc.", "Then we left."]),
        ("J. R. Hartley wrote it. Nobody read it.", ["J. R. Hartley wrote it.", "Nobody read it."]),
        ("Wait... what happened? Nothing.", ["Wait... what happened?", "Nothing."]),
        ("«Нет!» — сказал он. Все молчали.", ["«Нет!» — сказал он.", "Все молчали."]),
        ("Это, т.е. всё, ясно. В. В. Петров ушёл.", ["Это, т.е. всё, ясно.", "В. В. Петров ушёл."]),
        ("Они пришли и т.д. Потом ушли.", ["Они пришли и т.д.", "Потом ушли."]),
        ("Am 3. Oktober war Feiertag. Alle feierten.", ["Am 3. Oktober war Feiertag.", "Alle feierten."]),
        ("सरकार ने घोषणा की। यह दूसरा वाक्य है।", ["सरकार ने घोषणा की।", "यह दूसरा वाक्य है।"]),
        ("هل هذا صحيح؟ نعم هو كذلك.", ["هل هذا صحيح؟", "نعم هو كذلك."]),
        ("یہ پہلا جملہ ہے۔ یہ دوسرا ہے۔", ["یہ پہلا جملہ ہے۔", "یہ دوسرا ہے۔"]),
        ("今天天气很好。我们去公园！你呢？", ["今天天气很好。", "我们去公园！", "你呢？"]),
        ("1. Introduction to the topic", ["1. Introduction to the topic"]),
    ],
)
def test_sentence_rules(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentences_never_cross_paragraphs() -> None:
    text = "A line without a stop\nAnother line. With two."
    assert sentences(text) == ["A line without a stop", "Another line.", "With two."]


def test_long_runs_are_cut_on_whitespace() -> None:
    words = " ".join(f"word{i}" for i in range(400))  # ~3,500 characters, no punctuation
    spans = split_sentences(words, split_paragraphs(words))
    assert len(spans) > 5
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in spans)
    assert " ".join(texts(words, spans)) == words


def test_long_run_without_spaces_is_cut_hard() -> None:
    text = "x" * 1000
    spans = split_sentences(text)
    assert [s.end - s.start for s in spans] == [400, 400, 200]


def test_sentences_default_to_own_paragraphs() -> None:
    text = "One. Two.\nThree."
    assert split_sentences(text) == split_sentences(text, split_paragraphs(text))


# --- detect_language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The harbour council voted on Wednesday to rebuild the sea wall after the storms."),
        ("ru", "Городской совет в среду проголосовал за восстановление разрушенной штормом дамбы."),
        ("uk", "Міська рада в середу проголосувала за відновлення зруйнованої штормом дамби."),
        ("bg", "Общинският съвет гласува в сряда да възстанови вълнолома, разрушен от бурята."),
        ("hi", "नगर परिषद ने बुधवार को तूफ़ान से टूटी समुद्री दीवार को फिर से बनाने के पक्ष में मतदान किया।"),
        (
            "pt",
            "A câmara municipal votou na quarta-feira a reconstrução do paredão destruído pela tempestade.",
        ),
        ("fr", "Le conseil municipal a voté mercredi la reconstruction de la digue détruite par la tempête."),
        (
            "de",
            "Der Stadtrat hat am Mittwoch beschlossen, die vom Sturm zerstörte Ufermauer wieder aufzubauen.",
        ),
        (
            "it",
            "Il consiglio comunale ha votato mercoledì la ricostruzione della diga distrutta dalla tempesta.",
        ),
        ("pl", "Rada miasta zagłosowała w środę za odbudową falochronu zniszczonego przez sztorm."),
    ],
)
def test_detect_language(lang: str, text: str) -> None:
    guess = detect_language(text)
    assert guess.lang == lang
    assert 0.5 < guess.score <= 1.0


@pytest.mark.parametrize("text", ["zzzz qqqq", "", "   ", "12345 !!! 678", "xkcd bloop zarg"])
def test_detect_language_undetermined(text: str) -> None:
    assert detect_language(text).lang == "und"


def test_detect_language_reads_only_the_start() -> None:
    text = "The council voted to rebuild the wall. " * 60 + "Совет проголосовал. " * 2000
    assert detect_language(text).lang == "en"


# --- html_to_text ---------------------------------------------------------------------------------


def test_news_page_keeps_article_and_drops_furniture() -> None:
    page = html_to_text((FIXTURES / "news_page.html").read_text(encoding="utf-8"), "news_page.html")
    for para in NEWS_PARAGRAPHS:
        assert para in page.text
    for junk in FURNITURE:
        assert junk.lower() not in page.text.lower(), junk
    assert page.title == "Harbour town votes to rebuild its flooded sea wall"
    assert page.url == "https://ledger.example.org/2024/03/harbour-town-sea-wall"
    assert page.date == "2024-03-14"
    assert page.sitename == "The Coastal Ledger"
    assert normalize_text(page.text) == page.text


def test_furniture_inside_article_is_filtered() -> None:
    page = html_to_text((FIXTURES / "blog_post.html").read_text(encoding="utf-8"))
    lines = page.text.split("\n")
    assert lines[0] == "Why the night bus matters"
    assert len(lines) == 4
    assert "Readers who want the route back" in lines[3]
    for junk in ("Share this", "cookies", "Back to top", "Leave a Reply", "email address", "newsletter"):
        assert junk not in page.text


def test_remove_furniture_keeps_long_paragraphs_mentioning_cookies() -> None:
    long_para = "We use cookies as an example in this story about " + "privacy law " * 30
    text = f"Share on Twitter\n{long_para}\nBack to top!\nA real line."
    assert remove_furniture(text) == f"{long_para}\nA real line."


def test_tiny_page_falls_back_to_body_text() -> None:
    html = "<html><head><style>p{color:red}</style></head><body><p>Short note.</p><script>var x = 1;</script>"
    html += "<div>Second <b>block</b></div></body></html>"
    page = html_to_text(html)
    assert page.text == "Short note.\nSecond block"
    assert "<" not in page.text and "var x" not in page.text


def test_page_without_text_gives_empty_text() -> None:
    assert html_to_text("<html><body><script>alert(1)</script></body></html>").text == ""


def test_truncated_html_is_still_extracted() -> None:
    html = (FIXTURES / "news_page.html").read_text(encoding="utf-8")
    cut = html[: html.index("Opponents argued") + 40]
    text = html_to_text(cut).text
    for para in NEWS_PARAGRAPHS[:3]:
        assert para in text
    assert "<" not in text


def test_deep_html_is_rejected_before_parsing() -> None:
    html = "<div>" * 800 + "deep" + "</div>" * 800
    assert html_depth(html) == 800
    with pytest.raises(InputError, match=r"page\.html: HTML nested too deeply \(800 levels"):
        html_to_text(html, "page.html", Limits(max_html_depth=500))


def test_html_depth_ignores_void_optional_and_script_content() -> None:
    html = "<html><body><div><p>a<p>b<br><img src=x><!-- <div><div> --><script>'<div><div><div>'</script>"
    html += "<ul><li>one<li>two</ul></div></body></html>"
    assert html_depth(html) == 2


def test_html_depth_is_linear_on_stray_brackets() -> None:
    assert html_depth("<a" * 200_000) == 0
    assert html_depth("<script>" + "x" * 100_000) == 0


def test_html_too_long_is_rejected() -> None:
    with pytest.raises(InputError, match="too long"):
        html_to_text("<p>" + "a" * 200 + "</p>", "x.html", Limits(max_chars=100))


# --- prepare --------------------------------------------------------------------------------------


def test_prepare_uses_given_language_and_segments() -> None:
    article = Article(text="Title\n\nFirst sentence. Second one.\nLast line", lang="xx")
    doc = prepare(article)
    assert doc.lang == "xx" and doc.lang_score == 1.0
    assert texts(doc.text, doc.paragraphs) == ["Title", "First sentence. Second one.", "Last line"]
    assert doc.sentence_texts() == ["Title", "First sentence.", "Second one.", "Last line"]


def test_prepare_detects_language() -> None:
    doc = prepare(Article(text="Правительство объявило о новых мерах. Оппозиция выступила против."))
    assert doc.lang == "ru"
    assert len(doc.sentences) == 2


# --- properties -----------------------------------------------------------------------------------

ALPHABETS = [
    "abcdefghij ABCDEF",
    "абвгдежзий АБВГДЕ",
    "कखगघचछजझ ािीुूे्",
    "ابتثجحخدذ",
    "的一是不了人我在",
    "e\u0301a\u0308\u0327",  # combining marks
    "\u200b\u200c\u200d\u00a0\u3000",  # zero-width and odd spaces
]
PUNCT = [".", "!", "?", "…", "।", "॥", "؟", "۔", "。", "！", "？", '"', "'", "»", "«", "(", ")", ","]
PUNCT += ["3.5", "U.S.", "Mr.", "т.е.", "e.g.", "\n", "\r\n", "\r", "\t", " ", "  ", "\n\n"]
token = st.one_of(
    st.sampled_from(PUNCT),
    st.sampled_from(ALPHABETS).flatmap(lambda a: st.text(alphabet=a, min_size=1, max_size=12)),
    st.text(max_size=3),
)
random_text = st.lists(token, max_size=80).map("".join)


def check_segmentation(text: str) -> None:
    paras = split_paragraphs(text)
    sents = split_sentences(text, paras)
    for span in (*paras, *sents):
        piece = span.text_of(text)
        assert 0 <= span.start < span.end <= len(text)
        assert piece == piece.strip() and piece
        assert "\n" not in piece
    for a, b in itertools.pairwise(paras):
        assert a.end < b.start
    for a, b in itertools.pairwise(sents):
        assert a.end <= b.start
    for s in sents:
        assert any(p.start <= s.start and s.end <= p.end for p in paras)
        assert s.end - s.start <= MAX_SENTENCE_CHARS


@given(random_text)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_property_spans_on_raw_text(text: str) -> None:
    check_segmentation(text)


@given(st.text(alphabet=st.sampled_from("abc абв कख ا  .\n\u200b\u0301"), min_size=300, max_size=3000))
@settings(max_examples=50)
def test_property_long_texts(text: str) -> None:
    check_segmentation(text)
    check_segmentation(normalize_text(text))


@given(random_text)
@settings(max_examples=300)
def test_property_spans_on_normalized_text(text: str) -> None:
    norm = normalize_text(text)
    assert normalize_text(norm) == norm
    check_segmentation(norm)
    lines = [line for line in norm.split("\n") if line.strip()]
    assert len(split_paragraphs(norm)) == len(lines)


@given(random_text)
@settings(max_examples=200)
def test_property_prepare_offsets_index_text(text: str) -> None:
    norm = normalize_text(text)
    doc = prepare(Article(text=norm))
    assert doc.text == norm
    check_segmentation(doc.text)
    assert doc.lang


@given(st.lists(random_text, min_size=1, max_size=6))
@settings(max_examples=100, deadline=None)
def test_property_html_paragraphs(paragraphs: list[str]) -> None:
    body = "".join(f"<p>{htmllib.escape(p)}</p>" for p in paragraphs)
    page = html_to_text(f"<html><body><article>{body}</article></body></html>")
    assert normalize_text(page.text) == page.text
    assert "<p>" not in page.text
    check_segmentation(page.text)
