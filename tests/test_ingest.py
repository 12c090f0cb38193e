"""Tests of narrascope.ingest: files, folders, JSONL/CSV, encodings, limits and per-document errors."""

from __future__ import annotations

import json
import shutil
import socket
import time
from pathlib import Path

import pytest

import narrascope.ingest as ingest
from narrascope.ingest import (
    article_from_html,
    article_from_text,
    decode_bytes,
    file_id,
    iter_articles,
    read_file,
)
from narrascope.types import DEFAULT_LIMITS, Article, DocumentError, InputError, Limits, content_id

FIXTURES = Path(__file__).parent / "fixtures"
RU = "Городской совет проголосовал за восстановление дамбы. Жители довольны решением, но спорят о цене.\n"
EN = "The council voted to rebuild the sea wall.\nResidents welcomed the decision.\n"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any test that opens a network connection: ingest runs offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def one(path: Path, limits: Limits = DEFAULT_LIMITS) -> Article:
    articles = read_file(path, limits)
    assert len(articles) == 1
    return articles[0]


def test_all_is_sorted_and_complete() -> None:
    assert ingest.__all__ == sorted(ingest.__all__)
    for name in ingest.__all__:
        assert hasattr(ingest, name)


# --- building articles ----------------------------------------------------------------------------


def test_article_from_text_normalizes_and_hashes() -> None:
    art = article_from_text("\ufeffHello  \r\nworld\x00\r\n", outlet="Ledger", lang="en", section="local")
    assert art.text == "Hello\nworld\n"
    assert art.id == content_id("Hello\nworld\n")
    assert (art.outlet, art.lang) == ("Ledger", "en")
    assert art.meta == (("section", "local"),)


def test_article_from_text_keeps_given_id_and_source() -> None:
    art = article_from_text("Text.", id="abc", source="feed", published="2024-01-02")
    assert (art.id, art.source, art.published) == ("abc", "feed", "2024-01-02")


@pytest.mark.parametrize("text", ["", "   \n\t\n", "\ufeff\x00\r\n"])
def test_article_from_text_rejects_empty(text: str) -> None:
    with pytest.raises(InputError, match=r"^mine\.txt: empty document"):
        article_from_text(text, source="mine.txt")


def test_article_from_text_rejects_too_long() -> None:
    with pytest.raises(InputError, match="text too long"):
        article_from_text("a" * 101, limits=Limits(max_chars=100))


def test_article_from_html_takes_page_metadata_unless_given() -> None:
    html = (FIXTURES / "news_page.html").read_text(encoding="utf-8")
    art = article_from_html(html, id="p1")
    assert art.id == "p1"
    assert art.title == "Harbour town votes to rebuild its flooded sea wall"
    assert art.url == "https://ledger.example.org/2024/03/harbour-town-sea-wall"
    assert art.outlet == "The Coastal Ledger"
    assert art.published == "2024-03-14"
    assert "Eleven councillors backed the plan" in art.text
    assert article_from_html(html, title="Mine", url="u").title == "Mine"


def test_article_from_html_rejects_page_without_text() -> None:
    with pytest.raises(InputError, match=r"^<html>: empty document"):
        article_from_html("<html><body><script>x()</script></body></html>")


# --- .txt and .html files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [("article111111111.txt", "111111111"), ("EN_UA_001.txt", "EN_UA_001"), ("article.txt", "article")],
)
def test_file_id(name: str, expected: str) -> None:
    assert file_id(Path(name)) == expected


def test_txt_file_id_source_and_file_meta(tmp_path: Path) -> None:
    art = one(write(tmp_path / "article123.txt", EN))
    assert art.id == "123"
    assert art.source == str(tmp_path / "article123.txt")
    assert dict(art.meta)["file"] == "article123.txt"
    semeval25 = one(write(tmp_path / "EN_UA_001.txt", EN))
    assert semeval25.id == "EN_UA_001" and dict(semeval25.meta)["file"] == "EN_UA_001.txt"


def test_html_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    shutil.copy(FIXTURES / "news_page.html", path)
    art = one(path)
    assert art.id == "page"
    assert art.url == "https://ledger.example.org/2024/03/harbour-town-sea-wall"
    assert "Leave a Reply" not in art.text and "Opponents argued" in art.text


def test_truncated_html_file_is_extracted(tmp_path: Path) -> None:
    html = (FIXTURES / "news_page.html").read_bytes()
    art = one(write(tmp_path / "cut.htm", html[: html.index(b"Opponents argued")]))
    assert "Eleven councillors backed the plan" in art.text


def test_html_with_declared_cp1251_charset(tmp_path: Path) -> None:
    html = f'<html><head><meta charset="windows-1251"></head><body><p>{RU}</p></body></html>'
    art = one(write(tmp_path / "ru.html", html.encode("cp1251")))
    assert "Городской совет проголосовал" in art.text


# --- encodings ------------------------------------------------------------------------------------


def test_cp1251_file_is_decoded(tmp_path: Path) -> None:
    art = one(write(tmp_path / "ru.txt", (RU * 3).encode("cp1251")))
    assert art.text.startswith("Городской совет проголосовал")


def test_latin1_file_is_decoded(tmp_path: Path) -> None:
    text = "Le café du marché a rouvert à Noël; les élèves et leurs frères y déjeunent souvent.\n" * 3
    art = one(write(tmp_path / "fr.txt", text.encode("latin-1")))
    assert art.text == text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-32"])
def test_bom_files_are_decoded(tmp_path: Path, encoding: str) -> None:
    data = RU.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = ("\ufeff" + RU).encode(encoding)
    art = one(write(tmp_path / "bom.txt", data))
    assert art.text == RU


def test_utf8_with_a_stray_byte_stays_utf8() -> None:
    data = (RU * 5).encode("utf-8") + b"\xff" + "конец".encode()
    text = decode_bytes(data, "damaged.txt")
    assert text.startswith("Городской совет") and text.endswith("\ufffdконец")


def test_read_file_on_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder"):
        read_file(tmp_path)


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"image\.txt: binary file"):
        read_file(path)


def test_control_character_soup_is_rejected() -> None:
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(bytes(range(1, 32)) * 50, "blob.txt")


def test_empty_and_blank_files_are_rejected(tmp_path: Path) -> None:
    for name, data in (("empty.txt", b""), ("blank.txt", b" \r\n\t\n")):
        with pytest.raises(InputError, match=rf"{name}: empty document"):
            read_file(write(tmp_path / name, data))


# --- limits ---------------------------------------------------------------------------------------


def test_huge_sparse_file_is_rejected_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(50_000_000)  # sparse: nothing written
    opened: list[Path] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object) -> object:
        opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", spy)
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"huge\.txt: file too large \(50,000,000 bytes"):
        read_file(path)
    assert time.perf_counter() - start < 1.0
    assert path not in opened


def test_text_over_max_chars_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"long\.txt: text too long"):
        read_file(write(tmp_path / "long.txt", "word " * 100), Limits(max_chars=50))


def test_deep_html_file_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "deep.html", "<div>" * 50 + "x" + "</div>" * 50)
    with pytest.raises(InputError, match=r"deep\.html: HTML nested too deeply"):
        read_file(path, Limits(max_html_depth=20))


# --- JSONL and CSV --------------------------------------------------------------------------------


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {"id": 7, "text": EN, "url": "http://x", "outlet": "O", "lang": "en", "topic": ["a", "b"]}
        ),
        "{not json",
        "",
        json.dumps({"html": "<html><body><p>From markup, a sentence long enough.</p></body></html>"}),
        json.dumps({"id": "e", "text": "   "}),
        json.dumps(["a list"]),
        json.dumps({"id": "n", "title": "no text"}),
    ]
    path = write(tmp_path / "batch.jsonl", "\ufeff" + "\n".join(lines) + "\n")
    items = list(iter_articles([path]))
    assert len(items) == 6
    first, bad_json, from_html, empty, a_list, no_text = items
    assert isinstance(first, Article)
    assert (first.id, first.url, first.outlet, first.lang) == ("7", "http://x", "O", "en")
    assert dict(first.meta) == {"topic": '["a", "b"]'}
    assert first.source == f"{path}:1"
    assert isinstance(from_html, Article) and from_html.text == "From markup, a sentence long enough."
    for err, line, words in ((bad_json, 2, "not a valid JSON line"), (empty, 5, "empty document")):
        assert isinstance(err, DocumentError)
        assert err.source == f"{path}:{line}" and words in err.problem
    assert isinstance(a_list, DocumentError) and "expected an object" in a_list.problem
    assert isinstance(no_text, DocumentError) and no_text.source.endswith(":7")


def test_read_file_raises_on_bad_jsonl_line(tmp_path: Path) -> None:
    path = write(tmp_path / "b.jsonl", json.dumps({"text": "ok"}) + "\n{oops\n")
    with pytest.raises(InputError, match=r"b\.jsonl:2: not a valid JSON line"):
        read_file(path)


def test_csv_rows_with_metadata_and_big_field(tmp_path: Path) -> None:
    big = "A very long article body. " * 8000  # over the csv module's default 128 KiB field limit
    path = tmp_path / "corpus.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("id,text,outlet,published,extra\n")
        f.write(f'a1,"{EN}",Ledger,2024-03-14,x\n')
        f.write(f"a2,{big},Post,2024-03-15,\n")
        f.write("a3,,Empty,2024-03-16,\n")
    items = list(iter_articles([path]))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "DocumentError"]
    a1, a2, err = items
    assert isinstance(a1, Article) and isinstance(a2, Article) and isinstance(err, DocumentError)
    assert (a1.id, a1.outlet, a1.published, a1.text) == ("a1", "Ledger", "2024-03-14", EN)
    assert dict(a1.meta) == {"extra": "x"}
    assert a2.text == big.rstrip()
    assert err.source == f"{path}:6" and "empty document" in err.problem


def test_csv_cp1251(tmp_path: Path) -> None:
    path = write(tmp_path / "ru.csv", ("id,text\n" + f'r1,"{RU * 3}"\n').encode("cp1251"))
    assert one(path).text.startswith("Городской совет")


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = write(tmp_path / "meta.csv", "id,title\n1,x\n")
    with pytest.raises(InputError, match=r"meta\.csv: CSV header has no 'text' or 'html' column"):
        read_file(path)


# --- folders --------------------------------------------------------------------------------------


def test_folder_yields_good_articles_and_one_error(tmp_path: Path) -> None:
    write(tmp_path / "b" / "article2.txt", EN)
    write(tmp_path / "a" / "article1.txt", EN.upper())
    write(tmp_path / "a" / "broken.txt", b"\x00\x01\x02binary")
    write(tmp_path / "c.html", (FIXTURES / "blog_post.html").read_bytes())
    write(tmp_path / ".hidden.txt", EN)
    write(tmp_path / ".git" / "config.txt", EN)
    write(tmp_path / "notes.md", EN)
    items = list(iter_articles([tmp_path]))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, DocumentError)]
    assert [a.id for a in articles] == ["1", "2", "c"]
    assert len(errors) == 1
    assert errors[0].source == str(tmp_path / "a" / "broken.txt")
    assert "binary file" in errors[0].problem


def test_missing_path_and_unknown_type(tmp_path: Path) -> None:
    unknown = write(tmp_path / "notes.md", EN)
    items = list(iter_articles([tmp_path / "nope.txt", unknown]))
    assert all(isinstance(i, DocumentError) for i in items)
    assert "no such file or folder" in str(items[0])
    assert "unsupported file type '.md'" in str(items[1])
