"""The command line, driven through click's CliRunner, end to end with the real models."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from narrascope.cli import main
from tests.conftest import EXAMPLE


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_analyze_json_matches_schema() -> None:
    code, out, _ = run("analyze", str(EXAMPLE), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == "1.0"
    assert doc["lang"] == "en"
    text = doc["article"]["text"]
    assert "neo-Nazi regime" in text
    assert set(doc["results"]) >= {"genre", "frames"}
    genre = doc["results"]["genre"]["findings"]
    assert len(genre) == 1 and genre[0]["label"] in {"opinion", "reporting", "satire"}
    for s in doc["sentences"]:
        assert 0 <= s["start"] < s["end"] <= len(text)


def test_analyze_text_and_html(tmp_path: Path) -> None:
    code, out, _ = run("analyze", str(EXAMPLE), "--format", "text")
    assert code == 0 and "genre" in out.lower()
    html_path = tmp_path / "r.html"
    code, _, _ = run("analyze", str(EXAMPLE), "--format", "html", "--out", str(html_path))
    assert code == 0
    page = html_path.read_text()
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "Content-Security-Policy" in page


def test_bad_inputs_named_and_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("The council approved the plan. Residents welcomed it.")
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02\xff\xfe" * 100)
    code, out, err = run("analyze", str(tmp_path), "--format", "json")
    assert code == 1
    assert "empty.txt" in err and "binary.txt" in err
    assert "2 of 3 documents failed" in err
    doc = json.loads(out)
    assert doc["article"]["text"].startswith("The council")


def test_predict_st1_and_st2_official_format(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "article123.txt").write_text(EXAMPLE.read_text())
    (folder / "article124.txt").write_text("Stocks rose on Tuesday.\n\nAnalysts expect more gains.")
    for task in ("semeval2023-st1", "semeval2023-st2"):
        out = tmp_path / f"{task}.txt"
        code, _, err = run("predict", task, str(folder), "--out", str(out))
        assert code == 0, err
        rows = [line.split("\t") for line in out.read_text().splitlines()]
        assert [r[0] for r in rows] == ["123", "124"]
        assert all(len(r) == 2 for r in rows)


def test_predict_unknown_task_is_clear(tmp_path: Path) -> None:
    code, _, err = run("predict", "semeval2099-st9", str(tmp_path), "--out", str(tmp_path / "x"))
    assert code == 2 and "unknown task" in err


def test_evaluate_st1_prints_official_last(tmp_path: Path) -> None:
    gold = tmp_path / "gold.txt"
    pred = tmp_path / "pred.txt"
    gold.write_text("1\topinion\n2\treporting\n3\tsatire\n")
    pred.write_text("1\topinion\n2\treporting\n3\treporting\n")
    code, out, err = run("evaluate", "semeval2023-st1", "--gold", str(gold), "--pred", str(pred))
    assert code == 0, err
    assert out.strip().splitlines()[-1].lower().startswith("macro")


def test_analyze_with_user_taxonomy(tmp_path: Path) -> None:
    from tests.test_narratives import USER_TAXONOMY, USER_TEXTS

    tax = tmp_path / "harbour.yaml"
    tax.write_text(USER_TAXONOMY)
    article = tmp_path / "bridge.txt"
    article.write_text(USER_TEXTS["The new bridge is dangerous"])
    code, out, err = run("analyze", str(article), "--detectors", "genre", "--taxonomy", str(tax))
    assert code == 0, err
    doc = json.loads(out)
    labels = [f["label"] for f in doc["results"]["narratives"]["findings"]]
    assert "The new bridge is dangerous" in labels
    assert "Tourism ruins the town" not in labels


def test_analyze_unknown_detector_is_clear() -> None:
    code, _, err = run("analyze", str(EXAMPLE), "--detectors", "nonsense")
    assert code == 2 and "no detector named 'nonsense'" in err
