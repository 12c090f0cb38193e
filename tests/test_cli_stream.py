"""``narrascope analyze`` streams: each batch's reports are written as soon as it is analysed, and the output
is byte for byte what rendering every analysis, one by one, and joining them gives."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrascope import cli, report
from narrascope.analyze.base import Features
from narrascope.ingest import iter_articles
from narrascope.pipeline import Analyzer
from narrascope.report import ReportStream
from narrascope.types import Analysis, Article, DetectorResult, Document, Finding

TEXTS = {
    "a": "The council approved the harbour plan. Fishermen say it was always going to ignore them.",
    "b": "Stocks rose on Tuesday.\n\nAnalysts expect more gains as the bank holds rates.",
    "c": "The bridge is dangerous, engineers warned. Nobody listens, they said, and the cables rust.",
    "d": "A storm hit the coast overnight. Power is out in three towns and schools are closed.",
    "e": "The minister resigned after the scandal. Critics said it came too late, as always.",
}


class Recording:
    """Located findings for a few loaded words; every batch it is given is recorded in ``events``."""

    name = "streamtest.v1"
    task = "streamtest"
    model_version = "test-1"
    requires: tuple[str, ...] = ()

    def __init__(self, events: list[tuple[str, str]]) -> None:
        self.events = events

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        self.events.append(("detect", ",".join(d.article.id for d in docs)))
        return [
            DetectorResult(
                self.name,
                self.model_version,
                tuple(
                    Finding("Loaded_Language", 0.9, m.start(), m.end())
                    for m in re.finditer(r"\b(always|dangerous|scandal)\b", d.text)
                ),
            )
            for d in docs
        ]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    root.mkdir()
    for name, text in TEXTS.items():
        (root / f"{name}.txt").write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The CLI's Analyzer runs the recording detector in batches of two; its writes are recorded too."""
    seen: list[tuple[str, str]] = []

    def analyzer(detectors: object) -> Analyzer:
        return Analyzer(detectors=[Recording(seen)], batch_size=2)

    add = ReportStream.add

    def recorded_add(self: ReportStream, analysis: Analysis) -> None:
        seen.append(("write", analysis.document.article.id))
        add(self, analysis)

    monkeypatch.setattr(cli, "Analyzer", analyzer)
    monkeypatch.setattr(ReportStream, "add", recorded_add)
    return seen


def one_by_one(paths: Sequence[Path]) -> list[Analysis]:
    analyzer = Analyzer(detectors=[Recording([])], batch_size=1)
    return [analyzer.analyze(a) for a in iter_articles(paths) if isinstance(a, Article)]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, ["analyze", *args])
    return result.exit_code, result.stdout, result.stderr


def test_each_batch_is_written_before_the_next_is_analysed(
    folder: Path, events: list[tuple[str, str]]
) -> None:
    code, _, err = run(str(folder), "--format", "json")
    assert code == 0, err
    assert events == [
        ("detect", "a,b"),
        ("write", "a"),
        ("write", "b"),
        ("detect", "c,d"),
        ("write", "c"),
        ("write", "d"),
        ("detect", "e"),
        ("write", "e"),
    ]


def test_json_of_a_folder_is_the_array_of_one_by_one_analyses(
    folder: Path, events: list[tuple[str, str]], tmp_path: Path
) -> None:
    expected = "[\n" + ",\n".join(report.to_json(a) for a in one_by_one([folder])) + "\n]\n"
    code, out, err = run(str(folder), "--format", "json")
    assert (code, err) == (0, "")
    assert out == expected
    target = tmp_path / "sub" / "all.json"
    code, out, _ = run(str(folder), "--format", "json", "--out", str(target))
    assert (code, out) == (0, "")
    assert target.read_text(encoding="utf-8") == expected


def test_one_file_is_one_object_and_text_is_joined_by_blank_lines(
    folder: Path, events: list[tuple[str, str]]
) -> None:
    (only,) = one_by_one([folder / "a.txt"])
    assert run(str(folder / "a.txt"))[1] == report.to_json(only) + "\n"
    expected = "\n\n".join(report.to_text(a, color=False) for a in one_by_one([folder])) + "\n"
    assert run(str(folder), "--format", "text")[1] == expected


def test_html_of_a_folder_is_one_page_per_article(
    folder: Path, events: list[tuple[str, str]], tmp_path: Path
) -> None:
    pages = tmp_path / "pages"
    code, out, err = run(str(folder), "--format", "html", "--out", str(pages))
    assert code == 0 and out == ""
    assert err == f"wrote 5 HTML reports to {pages}/\n"
    for a in one_by_one([folder]):
        assert (pages / f"{a.document.article.id}.html").read_text(encoding="utf-8") == report.to_html(a)
    single = tmp_path / "one.html"
    assert run(str(folder / "b.txt"), "--format", "html", "--out", str(single))[0] == 0
    assert single.read_text(encoding="utf-8") == report.to_html(one_by_one([folder / "b.txt"])[0]) + "\n"


def test_errors_are_reported_in_place_and_counted(folder: Path, events: list[tuple[str, str]]) -> None:
    (folder / "c.txt").write_text("   \n")
    (folder / "f.txt").write_bytes(b"\x00\x01\x02")
    code, out, err = run(str(folder), "--format", "json")
    assert code == 1
    assert err.splitlines() == [
        f"error: {folder / 'c.txt'}: empty document (no text, or only whitespace)",
        f"error: {folder / 'f.txt'}: binary file (it contains NUL bytes), not text",
        "error: 2 of 6 documents failed",
    ]
    expected = one_by_one([folder])
    assert [a.document.article.id for a in expected] == ["a", "b", "d", "e"]
    assert out == "[\n" + ",\n".join(report.to_json(a) for a in expected) + "\n]\n"


def test_nothing_analysed_writes_nothing(folder: Path, events: list[tuple[str, str]], tmp_path: Path) -> None:
    (folder / "empty.txt").write_text("")
    target = tmp_path / "none.json"
    code, out, err = run(str(folder / "empty.txt"), "--out", str(target))
    assert (code, out) == (1, "") and "1 of 1 documents failed" in err
    assert not target.exists()


def test_the_stream_holds_one_rendered_report_at_most() -> None:
    written: list[str] = []
    stream = ReportStream("json", None, written.append)
    docs = one_by_one_texts(["One short text here.", "Another short text.", "A third text."])
    stream.add(docs[0])
    assert written == []  # one report or a list: the second analysis says
    stream.add(docs[1])
    assert written == ["[\n" + report.to_json(docs[0]), ",\n" + report.to_json(docs[1])]
    stream.add(docs[2])
    stream.finish()
    assert "".join(written) == "[\n" + ",\n".join(report.to_json(d) for d in docs) + "\n]\n"
    with pytest.raises(ValueError, match="unknown report format"):
        ReportStream("csv", None, written.append)


def one_by_one_texts(texts: Sequence[str]) -> list[Analysis]:
    analyzer = Analyzer(detectors=[Recording([])], batch_size=1)
    return [analyzer.analyze(Article(text=t, id=f"t{i}")) for i, t in enumerate(texts)]
