"""Input limits: document size, per-document time and HTML nesting depth, each configurable, each with an
error that names the input and the limit, and a batch that goes on past the document that broke one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from narrascope.extract import html_to_text
from narrascope.ingest import article_from_html, article_from_text, iter_articles, read_file
from narrascope.types import DEFAULT_LIMITS, Article, DocumentError, InputError, Limits

PARAGRAPH = "<p>" + "The minister said the opposition was to blame for every crisis we faced. " * 4 + "</p>\n"
PAGE = "<html><head><title>T</title></head><body><article>" + PARAGRAPH * 400 + "</article></body></html>"


def nested(depth: int) -> str:
    return "<html><body>" + "<div>" * depth + "Deep text here." + "</div>" * depth + "</body></html>"


def test_defaults_are_documented_values() -> None:
    assert Limits() == DEFAULT_LIMITS
    assert (DEFAULT_LIMITS.max_bytes, DEFAULT_LIMITS.max_chars) == (20_000_000, 2_000_000)
    assert DEFAULT_LIMITS.max_html_depth == 500
    assert DEFAULT_LIMITS.max_seconds == 60.0


# --- size -------------------------------------------------------------------------------------------------


def test_file_over_max_bytes_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 300)
    (item,) = iter_articles([path], Limits(max_bytes=1_000))
    assert isinstance(item, DocumentError)
    assert item.source == str(path)
    assert item.problem == "file too large (1,500 bytes; the limit is 1,000)"
    assert read_file(path, Limits(max_bytes=2_000))[0].text.startswith("word word")


def test_text_over_max_chars_names_source_and_limit() -> None:
    with pytest.raises(InputError) as exc:
        article_from_text("x" * 51, source="pasted", limits=Limits(max_chars=50))
    assert str(exc.value) == "pasted: text too long (51 characters; the limit is 50)"
    assert article_from_text("x" * 50, limits=Limits(max_chars=50)).text == "x" * 50


def test_jsonl_line_over_the_limit_is_one_error_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [{"id": "a", "text": "Short."}, {"id": "b", "text": "y" * 5_000}, {"id": "c", "text": "Fine."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    items = list(iter_articles([path], Limits(max_bytes=1_000)))
    assert [type(i).__name__ for i in items] == ["Article", "DocumentError", "Article"]
    assert isinstance(items[1], DocumentError) and items[1].source == f"{path}:2"
    assert items[1].problem == "line too large (5,024 bytes; the limit is 1,000)"


def test_analyzer_refuses_an_article_over_its_limit_and_goes_on() -> None:
    from narrascope import Analyzer

    analyzer = Analyzer(detectors=(), limits=Limits(max_chars=20))
    big, small = Article(text="z" * 21, id="big"), Article(text="small text", id="small")
    outcomes = list(analyzer.run([big, small]))
    assert outcomes[0].error is not None
    assert outcomes[0].error.problem == "text too long (21 characters; the limit is 20)"
    assert outcomes[1].analysis is not None


# --- nesting depth ----------------------------------------------------------------------------------------


def test_html_depth_limit_is_configurable(tmp_path: Path) -> None:
    with pytest.raises(InputError) as exc:
        article_from_html(nested(60), source="deep.html", limits=Limits(max_html_depth=50))
    assert str(exc.value) == "deep.html: HTML nested too deeply (60 levels; the limit is 50)"
    assert article_from_html(nested(60), limits=Limits(max_html_depth=100)).text == "Deep text here."


def test_default_depth_limit_refuses_a_nesting_bomb_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.html"
    path.write_text(nested(100_000))  # 1.1 MB of <div>: lxml alone would recurse on it
    (item,) = iter_articles([path])
    assert isinstance(item, DocumentError) and item.source == str(path)
    assert "nested too deeply (100000 levels; the limit is 500)" in item.problem


# --- time -------------------------------------------------------------------------------------------------


def test_html_extraction_past_max_seconds_is_an_input_error() -> None:
    with pytest.raises(InputError) as exc:
        html_to_text(PAGE, "slow.html", Limits(max_seconds=1e-4))
    assert str(exc.value) == "slow.html: HTML extraction took over 0.0001 s (the per-document time limit)"
    assert html_to_text(PAGE, "slow.html", Limits(max_seconds=0)).text.startswith("The minister said")


def test_time_limit_in_a_folder_run_names_the_file_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a_slow.html").write_text(PAGE)
    (tmp_path / "b_plain.txt").write_text("A plain text article. It has two sentences.")
    items = list(iter_articles([tmp_path], Limits(max_seconds=1e-4)))
    assert isinstance(items[0], DocumentError) and items[0].source == str(tmp_path / "a_slow.html")
    assert "per-document time limit" in items[0].problem
    assert isinstance(items[1], Article) and items[1].id == "b_plain"


def test_extraction_errors_still_surface_through_the_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    from narrascope.extract import _html

    def broken(html: str) -> Any:
        raise InputError("inner", "boom")

    monkeypatch.setattr(_html, "_extract", broken)
    with pytest.raises(InputError, match="inner: boom"):
        html_to_text(PAGE, "x.html", Limits(max_seconds=30))


def test_web_reports_the_time_limit_as_400() -> None:
    import asyncio

    from narrascope.web import create_app

    app = create_app(detectors=(), limits=Limits(max_bytes=5_000_000, max_chars=500_000, max_seconds=1e-4))

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/api/analyze", json={"html": PAGE})

    r = asyncio.run(post())
    assert r.status_code == 400
    assert r.json()["error"] == "<html>: HTML extraction took over 0.0001 s (the per-document time limit)"


# --- one check, one message -------------------------------------------------------------------------------


def test_every_size_check_gives_the_one_message(tmp_path: Path) -> None:
    """Characters: "<what> too long (N characters; the limit is M)"; bytes: "<what> too large (N bytes; the
    limit is M)", from ``types.check_chars`` / ``check_bytes``, whichever layer meets the input."""
    from narrascope import Analyzer
    from narrascope.ingest import iter_txt_folder
    from narrascope.types import check_bytes, check_chars

    small = Limits(max_chars=10, max_bytes=40)
    chars = "text too long (11 characters; the limit is 10)"
    with pytest.raises(InputError) as exc:
        check_chars("x" * 11, "s", small)
    assert str(exc.value) == f"s: {chars}"
    check_chars("x" * 10, "s", small)
    with pytest.raises(InputError, match=r"^s: line too large \(41 bytes; the limit is 40\)$"):
        check_bytes(41, "s", small, what="line")
    check_bytes(40, "s", small)
    with pytest.raises(InputError) as exc:
        article_from_text("y" * 11, source="pasted", limits=small)
    assert exc.value.problem == chars
    with pytest.raises(InputError) as exc:
        html_to_text("<p>" + "z" * 20 + "</p>", "page.html", small)
    assert exc.value.problem == "HTML too long (27 characters; the limit is 10)"
    (outcome,) = Analyzer(detectors=(), limits=small).run([Article(text="w" * 11, id="w")])
    assert outcome.error is not None and outcome.error.problem == chars
    (tmp_path / "big.txt").write_text("v" * 41)
    (item,) = iter_txt_folder(tmp_path, small)
    (same,) = iter_articles([tmp_path / "big.txt"], small)
    assert isinstance(item, DocumentError) and isinstance(same, DocumentError)
    assert item.problem == same.problem == "file too large (41 bytes; the limit is 40)"
