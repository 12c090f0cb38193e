"""Ingest owns every input format: Parquet beside the others, the predict layout, the document count, and
what is HTML; the other layers call it."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.ingest import (
    count_documents,
    is_html_name,
    iter_articles,
    iter_txt_folder,
    looks_like_html,
)
from narrascope.types import Article, DocumentError, InputError, Limits


def _parquet(path: Path, **columns: list[object]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table(columns), path)


def test_parquet_is_read_like_any_format_in_a_folder(tmp_path: Path) -> None:
    _parquet(
        tmp_path / "b.parquet",
        id=["p1", "p2"],
        text=["A harbour plan was approved.", ""],
        outlet=["Gazette", "Gazette"],
        run_id=[3, 3],  # a corpus export's bookkeeping column: not metadata
    )
    (tmp_path / "a.txt").write_text("A plain article. It has two sentences.")
    items = list(iter_articles([tmp_path]))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "DocumentError"]
    first, row = items[0], items[1]
    assert isinstance(first, Article) and first.id == "a"
    assert isinstance(row, Article) and (row.id, row.outlet, row.meta) == ("p1", "Gazette", ())
    assert isinstance(items[2], DocumentError) and items[2].source == f"{tmp_path / 'b.parquet'}:2"
    assert count_documents([tmp_path]) == 3


def test_parquet_limits_are_the_callers(tmp_path: Path) -> None:
    _parquet(tmp_path / "in.parquet", text=["x" * 60])
    (item,) = iter_articles([tmp_path / "in.parquet"], Limits(max_chars=50))
    assert isinstance(item, DocumentError) and "too long" in item.problem


def test_batches_and_store_read_inputs_through_ingest(tmp_path: Path) -> None:
    from narrascope.batches import estimate_total, iter_inputs
    from narrascope.store import read_parquet_articles

    _parquet(tmp_path / "in.parquet", id=["p1"], text=["One text here."])
    (tmp_path / "in.jsonl").write_text('{"id": "j", "text": "A line."}\n\n{"id": "k", "text": "Another."}\n')
    paths = [tmp_path / "in.parquet", tmp_path / "in.jsonl"]
    assert [a.id for a in iter_inputs(paths) if isinstance(a, Article)] == ["p1", "j", "k"]
    assert estimate_total(paths) == count_documents(paths) == 3
    assert [a.id for a in read_parquet_articles(paths[0]) if isinstance(a, Article)] == ["p1"]


def test_predict_layout_keeps_the_text_as_stored(tmp_path: Path) -> None:
    (tmp_path / "article111.txt").write_bytes(b"First line.\r\nSecond line.\r\n")
    (tmp_path / "plain.txt").write_text("Plain.")
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "skip.html").write_text("<p>not in the layout</p>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "deeper.txt").write_text("not read: the layout is one folder")
    items = list(iter_txt_folder(tmp_path))
    assert [type(i).__name__ for i in items] == ["Article", "DocumentError", "Article"]
    first, error, plain = items
    assert isinstance(first, Article) and first.id == "111"
    assert first.text == "First line.\r\nSecond line.\r\n"  # not normalised: gold offsets index the raw file
    assert first.meta == (("file", "article111.txt"),) and first.source == str(tmp_path / "article111.txt")
    assert isinstance(error, DocumentError) and error.problem == "empty document"
    assert isinstance(plain, Article) and plain.id == "plain"


def test_predict_layout_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a folder"):
        list(iter_txt_folder(tmp_path / "missing"))
    (tmp_path / "big.txt").write_text("word " * 300)
    (item,) = iter_txt_folder(tmp_path, Limits(max_bytes=1_000))
    assert isinstance(item, DocumentError) and "too large (1,500 bytes" in item.problem


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("<!DOCTYPE html><html><body>x</body></html>", True),
        ("  <!-- saved --> <html lang=en>", True),
        ("<BODY><p>x</p>", True),
        ("The <b>bold</b> claim.", False),
        ("html is a markup language", False),
    ],
)
def test_looks_like_html(text: str, html: bool) -> None:
    assert looks_like_html(text) is html


def test_is_html_name() -> None:
    assert is_html_name("Page.HTM") and is_html_name("a.xhtml") and not is_html_name("a.txt")
