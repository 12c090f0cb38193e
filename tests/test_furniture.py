"""Site furniture in plain text: the lines HTML extraction drops are dropped from .txt input and pasted text
too; offsets stay exact against the text kept (the stored ``Article.text``)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from narrascope.extract import drop_furniture, is_furniture, remove_furniture
from narrascope.ingest import article_from_text, iter_articles
from narrascope.types import Article

BODY = [
    "Council votes to close the old library",
    "",
    "The council voted on Tuesday to close the old library on Mill Street.",
    "Residents said they would appeal the decision.",
]
FURNITURE = [
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Back to top button",
    "Share this article",
    "  Tweet  ",
    "We use cookies to improve your experience.",
    "© 2024 The Valley Post",
]


def with_furniture() -> str:
    return "\n".join([*BODY[:3], FURNITURE[3], FURNITURE[4], BODY[3], "", *FURNITURE[:3], FURNITURE[5:][0]])


def test_every_listed_line_is_furniture_and_the_body_is_not() -> None:
    assert all(is_furniture(line) for line in FURNITURE)
    assert not any(is_furniture(line) for line in BODY if line)
    long_line = "Leave a reply " + "x" * 400  # a long paragraph that merely starts like furniture
    assert not is_furniture(long_line)
    assert not is_furniture("Residents who share this view will leave a reply at the meeting.")


def test_txt_file_drops_furniture_and_offsets_match_the_text_kept(tmp_path: Path) -> None:
    path = tmp_path / "library.txt"
    path.write_text(with_furniture(), encoding="utf-8")
    (article,) = [a for a in iter_articles([path]) if isinstance(a, Article)]
    assert article.text == "\n".join(BODY) + "\n"  # the trailing empty line left by the dropped block stays
    for line in FURNITURE:
        assert line.strip() not in article.text
    start = article.text.index("Residents")
    assert article.text[start : start + len("Residents said")] == "Residents said"


def test_pasted_text_drops_furniture_the_same_way() -> None:
    article = article_from_text(with_furniture(), "p1")
    assert "Leave a Reply" not in article.text and "Back to top" not in article.text
    assert article.text.startswith(BODY[0]) and BODY[3] in article.text


def test_text_without_furniture_is_stored_exactly_as_before() -> None:
    text = "\n\n  Indented first line\n\nSecond paragraph.\n\n"
    assert drop_furniture(text) == text
    assert article_from_text(text).text == text
    assert remove_furniture(text) != text  # the HTML path trims; plain text keeps its empty lines


def test_jsonl_records_keep_their_text_as_given(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    text = "The mayor spoke.\nShare\nThe end."
    path.write_text(json.dumps({"id": "r1", "text": text}) + "\n", encoding="utf-8")
    (article,) = [a for a in iter_articles([path]) if isinstance(a, Article)]
    assert article.text == text


LINES = st.lists(st.sampled_from([*BODY, *FURNITURE, "Share", "x" * 10, ""]), max_size=12)


@settings(max_examples=200, deadline=None)
@given(LINES)
def test_property_only_whole_furniture_lines_go_and_twice_is_once(lines: list[str]) -> None:
    text = "\n".join(lines)
    kept = drop_furniture(text)
    assert drop_furniture(kept) == kept
    filtered = [line for line in text.split("\n") if not is_furniture(line)]
    assert kept == ("\n".join(filtered) if len(filtered) < len(text.split("\n")) else text)
    assert not any(is_furniture(line) for line in kept.split("\n"))
