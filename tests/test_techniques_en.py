"""``techniques-en``: the fine-tuned English mode of the techniques detector, its gate, its training path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from narrascope.analyze.base import get_detector
from narrascope.analyze.heads import ModelFileError
from narrascope.analyze.techniques import TechniquesDetector
from narrascope.analyze.techniques_en import TechniquesEnDetector
from narrascope.cli import main
from narrascope.encode.minilm import DEFAULT_DIR, MiniLMEncoder
from narrascope.extract import prepare
from narrascope.pipeline import Analyzer, DetectorChoiceError
from narrascope.scoring._labels import TECHNIQUES_2023
from narrascope.types import Article, task_of

from .test_techniques import check_gate

ENGLISH = (
    "These corrupt traitors will stop at nothing to destroy our great nation. Wake up, patriots!\n\n"
    "Everyone knows the so-called experts have lied to you for years. "
    "Either we act now or we lose everything."
)
FRENCH = (
    "Le ministre a présenté son budget lundi.\n"
    "Les syndicats dénoncent une trahison honteuse des travailleurs."
)

# Accuracy gate: the same 20 English validation articles as the default detector's gate (its fingerprint
# is checked there). techniques-en is not refit on the validation articles, so this is a held-out figure.
# Measured 2026-11-29; the floor leaves a small margin.
GATE_MEASURED = 0.4938
GATE_FLOOR = GATE_MEASURED - 0.02


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(detectors=("techniques-en",))


def test_a_mode_serves_its_task() -> None:
    assert task_of("techniques-en.v1") == "techniques"
    assert task_of("techniques.v1") == "techniques"
    assert task_of("genre.v1") == "genre"


def test_english_is_read_by_the_fine_tuned_reader(analyzer: Analyzer) -> None:
    analysis = analyzer.analyze(Article(text=ENGLISH, id="en1", lang="en"))
    result = analysis.result("techniques")
    assert result is not None and result.detector == "techniques-en.v1"
    assert result.model_version.startswith("techniques-en-2+techniques-2")
    assert result.findings, "the loaded English text should trigger some technique"
    sentences = [(s.start, s.end) for s in analysis.document.sentences]
    for f in result.findings:
        assert f.label in TECHNIQUES_2023 and 0.0 <= f.score <= 1.0
        assert (f.start, f.end) in sentences
    assert "Loaded_Language" in {f.label for f in result.findings} or "Name_Calling-Labeling" in {
        f.label for f in result.findings
    }


def test_other_languages_get_the_default_model(analyzer: Analyzer) -> None:
    mode = analyzer.analyze(Article(text=FRENCH, id="fr1", lang="fr")).result("techniques")
    default = Analyzer(detectors=("techniques.v1",)).analyze(Article(text=FRENCH, id="fr1", lang="fr"))
    assert mode is not None
    assert mode.findings == default.result("techniques").findings  # type: ignore[union-attr]


def test_a_batch_mixes_languages_in_order(analyzer: Analyzer) -> None:
    arts = [Article(text=ENGLISH, id="a", lang="en"), Article(text=FRENCH, id="b", lang="fr")]
    arts.append(Article(text=ENGLISH.replace("traitors", "thieves"), id="c", lang="en"))
    batch = [o.analysis for o in analyzer.run(arts)]
    alone = [analyzer.analyze(a) for a in arts]
    for b, a in zip(batch, alone, strict=True):
        assert b is not None
        assert b.result("techniques").findings == a.result("techniques").findings  # type: ignore[union-attr]


def test_both_modes_at_once_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DetectorChoiceError, match=r"techniques\.v2, techniques-en\.v1"):
        Analyzer(detectors=("techniques", "techniques-en")).analyze(Article(text=ENGLISH))
    path = tmp_path / "a.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    run = CliRunner().invoke(main, ["analyze", str(path), "--detectors", "techniques,techniques-en"])
    assert run.exit_code == 2 and "choose one" in run.output, run.output
    assert run.exception is None or isinstance(run.exception, SystemExit)
    for wrong, says in (("techniques,techniques-en", "choose one"), ("genre,no-such", "no detector named")):
        run = CliRunner().invoke(main, ["serve", "--port", "0", "--detectors", wrong])
        assert run.exit_code == 2 and says in run.output, run.output


def test_model_files_are_checked(tmp_path: Path) -> None:
    from narrascope.analyze.doclabels import model_dir

    dst = tmp_path / "techniques-en"
    shutil.copytree(model_dir("techniques-en"), dst)
    fallback = TechniquesDetector("techniques.v1", model_dir("techniques"))
    assert TechniquesEnDetector("techniques-en.v1", dst, fallback).head.labels == list(TECHNIQUES_2023)
    onnx = dst / "encoder" / "model.onnx"
    raw = bytearray(onnx.read_bytes())
    raw[-5] ^= 0xFF
    onnx.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match=r"model\.onnx"):
        TechniquesEnDetector("techniques-en.v1", dst, fallback)


def test_the_reader_is_averaged_with_the_ridge_head(tmp_path: Path) -> None:
    from narrascope.analyze.doclabels import model_dir
    from narrascope.analyze.techniques import SPACE

    fallback = TechniquesDetector("techniques.v1", model_dir("techniques"))
    shipped = TechniquesEnDetector("techniques-en.v1", model_dir("techniques-en"), fallback)
    assert shipped.ridge is not None and 0.0 < shipped.reader_weight < 1.0
    doc = prepare(Article(text=ENGLISH, lang="en"))
    feats = Analyzer(detectors=()).features([doc])[0]
    reader = shipped.head.scores(shipped.encoder.encode(doc.sentence_texts()))
    ridge = shipped.ridge.sentence_scores(doc, feats.get(SPACE), SPACE)
    assert not np.allclose(reader, ridge, atol=0.05)  # two different opinions, so the average matters
    (result,) = shipped.detect_batch([doc], [feats])
    assert result.findings
    index = {label: j for j, label in enumerate(shipped.head.labels)}
    row = {(s.start, s.end): i for i, s in enumerate(doc.sentences)}
    w = shipped.reader_weight
    for f in result.findings:  # a finding's score keeps 4 decimals
        i, j = row[(f.start, f.end)], index[f.label]
        assert f.score == pytest.approx(w * reader[i, j] + (1 - w) * ridge[i, j], abs=1e-4)
        assert f.score >= shipped.head.thresholds[j]

    dst = tmp_path / "techniques-en"
    shutil.copytree(model_dir("techniques-en"), dst)
    manifest = json.loads((dst / "manifest.json").read_text())
    for bad in (1.5, -0.1):
        (dst / "manifest.json").write_text(json.dumps({**manifest, "reader_weight": bad}))
        with pytest.raises(ModelFileError, match="reader_weight"):
            TechniquesEnDetector("techniques-en.v1", dst, fallback)
    # the reader alone: no ridge folder needed, and each finding's score is the reader's
    alone = {**manifest, "reader_weight": 1.0}
    alone["files"] = {k: v for k, v in manifest["files"].items() if not k.startswith("ridge/")}
    (dst / "manifest.json").write_text(json.dumps(alone))
    shutil.rmtree(dst / "ridge")
    reader_only = TechniquesEnDetector("techniques-en.v1", dst, fallback)
    assert reader_only.ridge is None
    for f in reader_only.detect_batch([doc], [feats])[0].findings:
        assert f.score == pytest.approx(reader[row[(f.start, f.end)], index[f.label]], abs=1e-4)
    # a blend whose ridge head is missing is refused
    (dst / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError):
        TechniquesEnDetector("techniques-en.v1", dst, fallback)


def test_unnormalised_vectors_when_the_manifest_says_so(tmp_path: Path) -> None:
    dst = tmp_path / "enc"
    shutil.copytree(DEFAULT_DIR, dst)
    manifest = json.loads((dst / "manifest.json").read_text())
    manifest["normalize"] = False
    (dst / "manifest.json").write_text(json.dumps(manifest))
    texts = ["The minister resigned on Monday.", "Wake up, people!"]
    raw = MiniLMEncoder(dst).encode(texts)
    unit = MiniLMEncoder().encode(texts)
    assert not np.allclose(np.linalg.norm(raw, axis=1), 1.0)
    np.testing.assert_allclose(raw / np.linalg.norm(raw, axis=1, keepdims=True), unit, atol=1e-5)


@pytest.mark.slow
def test_accuracy_gate(data_dir: Path, analyzer: Analyzer) -> None:
    check_gate(data_dir, analyzer, GATE_FLOOR)


@pytest.mark.slow
def test_training_path_on_a_tiny_slice(data_dir: Path, tmp_path: Path) -> None:
    """The whole recipe on 3 articles a language and 4 steps: fine-tune, export int8, fit the ridge head,
    tune, validate, write."""
    from narrascope.train import train

    report = train("techniques-en", data_dir, tmp_path / "model", limit=3)
    assert report.n_train > 0 and report.n_val > 0 and "en" in report.validation
    encoder = json.loads((tmp_path / "model" / "encoder" / "manifest.json").read_text())
    assert encoder["normalize"] is False and encoder["cosine_vs_fp32"]["min"] > 0.99
    manifest = json.loads((tmp_path / "model" / "manifest.json").read_text())
    assert manifest["reader_weight"] == 0.5 and "ridge/weights.npz" in manifest["files"]
    fallback = get_detector("techniques.v1")
    assert isinstance(fallback, TechniquesDetector)
    detector = TechniquesEnDetector("techniques-en.v1", tmp_path / "model", fallback)
    doc = prepare(Article(text=ENGLISH, lang="en"))
    (result,) = detector.detect_batch([doc], [Analyzer(detectors=()).features([doc])[0]])
    assert all(f.label in TECHNIQUES_2023 for f in result.findings)
    assert (tmp_path / "model" / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# techniques-en")


def test_predict_st3_with_the_english_mode(tmp_path: Path) -> None:
    from narrascope.predict import MissingDetectorError, predict

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "article7.txt").write_text(f"A headline\n\n{ENGLISH}\n", encoding="utf-8")
    out = tmp_path / "st3.txt"
    assert predict("semeval2023-st3", folder, out, detector="techniques-en").written == 1
    rows = [r.split("\t") for r in out.read_text(encoding="utf-8").splitlines()]
    assert [r[:2] for r in rows] == [["7", "1"], ["7", "3"], ["7", "5"]]
    assert any(r[2] for r in rows) and all(t in TECHNIQUES_2023 for r in rows for t in r[2].split(",") if t)
    with pytest.raises(MissingDetectorError, match="does not serve 'techniques'"):
        predict("semeval2023-st3", folder, out, detector="genre")
