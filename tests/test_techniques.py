"""The sentence techniques detector (``techniques.v1``): spans, the st3 / spans submission formats, an
accuracy gate, the training path. The reader's tagger (``techniques.v2``, the default): test_reader.py."""

from __future__ import annotations

import hashlib
import json
import zlib
from pathlib import Path

import numpy as np
import pytest

from narrascope.analyze.base import get_detector
from narrascope.analyze.heads import ModelFileError
from narrascope.analyze.lexical import BUCKETS, hashed_ngrams
from narrascope.analyze.techniques import (
    TechniqueModel,
    context_features,
    paragraph_index,
    paragraph_labels,
    span_rows,
    st3_rows,
)
from narrascope.extract import prepare
from narrascope.pipeline import Analyzer
from narrascope.predict import predict
from narrascope.scoring import score_st3
from narrascope.scoring._labels import TECHNIQUES_2023
from narrascope.types import Analysis, Article, DetectorResult, Finding, Span

TEXTS = [
    "These corrupt traitors will stop at nothing to destroy our great nation. Wake up, patriots!\n\n"
    "Everyone knows the so-called experts have lied to you for years. "
    "Either we act now or we lose everything.",
    "Le ministre a présenté son budget lundi.\n"
    "Les syndicats dénoncent une trahison honteuse des travailleurs.",
    "Der Minister stellte am Montag den Haushalt vor. Kritiker sprechen von einem Verrat am Volk.",
    "x",
]

# Accuracy gate: the first GATE_SIZE English articles of the validation split (top 25% of ids), read at test
# time from the corpora folder. The committed model is refit on every training article, these included, so
# the gate guards against regressions; held-out figures are in the model card. Measured 2026-11-29: see
# GATE_MEASURED; the floor leaves a small margin.
GATE_SIZE = 20
GATE_FINGERPRINT = "3fda8aba1a30908e8b0fdae18ca750a1c368ec72ec76c0d54f0afd85012b13dc"
GATE_MEASURED = 0.5878
GATE_FLOOR = GATE_MEASURED - 0.02


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(detectors=("techniques.v1",))


def test_detector_spans_in_bounds_and_labels_known(analyzer: Analyzer) -> None:
    for text in TEXTS:
        result = analyzer.analyze(Article(text=text)).result("techniques")
        assert result is not None and result.detector == "techniques.v1"
        for f in result.findings:
            assert f.label in TECHNIQUES_2023
            assert f.start is not None and f.end is not None
            assert 0 <= f.start < f.end <= len(text)
            assert 0.0 <= f.score <= 1.0
    loaded = analyzer.analyze(Article(text=TEXTS[0], lang="en")).result("techniques")
    assert loaded is not None and loaded.findings, "an obviously loaded English text got no technique"


def test_one_multilingual_pass_with_a_lexical_part() -> None:
    # English pays one encoder pass, shared with the other detectors: no minilm space
    detector = get_detector("techniques.v1")
    assert set(detector.requires) == {"multi"}
    head = detector.model.heads["multi"]
    assert head.lexical is not None and head.lexical.shape == (23, BUCKETS)
    assert np.count_nonzero(head.lexical) > 1000


def test_hashed_ngrams_are_stable_scaled_and_case_blind() -> None:
    m = hashed_ngrams(["Traitors lie", "traitors LIE", "", "one two three"], buckets=1024)
    assert m.shape == (4, 1024)
    assert (m[0] != m[1]).nnz == 0  # lower-cased
    assert m[2].nnz == 0
    row = m[3].toarray().ravel()
    assert np.count_nonzero(row) == 5  # three unigrams, two bigrams (no collision in 1024 here)
    assert np.isclose(np.linalg.norm(row), 1.0)
    # CRC-32, not Python's salted hash: the same columns in every process
    assert sorted(m[0].indices.tolist()) == sorted(
        zlib.crc32(g.encode()) % 1024 for g in ("traitors", "lie", "traitors lie")
    )


def test_lexical_weights_round_trip_as_int8(tmp_path: Path) -> None:
    from narrascope.analyze.heads import LinearHead

    rng = np.random.default_rng(0)
    lexical = rng.normal(size=(2, 64)).astype(np.float32)
    head = LinearHead("h", "1", "multi", ["a", "b"], True, np.zeros((2, 3), np.float32),
                      np.zeros(2, np.float32), np.full(2, 0.5, np.float32), lexical=lexical)  # fmt: skip
    head.save(tmp_path / "h")
    back = LinearHead.load(tmp_path / "h")
    assert back.lexical is not None
    assert np.abs(back.lexical - lexical).max() <= np.abs(lexical).max() / 127
    lex = hashed_ngrams(["some words here"], buckets=64)
    x = np.zeros((1, 3), np.float32)
    assert not np.allclose(back.scores(x, lex), back.scores(x))  # the lexical part counts


def test_context_features_and_paragraph_index() -> None:
    sents = np.eye(3, 4, dtype=np.float32)
    para_of = paragraph_index([Span(0, 5), Span(6, 9), Span(11, 15)], [Span(0, 9), Span(11, 15)])
    assert para_of.tolist() == [0, 0, 1]
    x = context_features(sents, para_of)
    assert x.shape == (3, 12)
    assert np.allclose(x[0, 4:8], x[1, 4:8]) and not np.allclose(x[0, 4:8], x[2, 4:8])
    assert context_features(np.zeros((0, 4), dtype=np.float32), para_of[:0]).shape == (0, 12)


def _analysis(text: str, findings: tuple[Finding, ...]) -> Analysis:
    doc = prepare(Article(text=text, id="42", lang="en"))
    return Analysis(doc, (DetectorResult("techniques.v1", "test", findings),))


def test_st3_rows_count_every_line_and_union_overlapping_spans() -> None:
    text = "Title line\n\nFirst paragraph. Second sentence.\n\n\nLast one."
    first = text.index("First")
    last = text.index("Last")
    findings = (
        Finding("Loaded_Language", 0.9, first, first + 5),
        Finding("Doubt", 0.7, first + 3, last + 2),  # crosses empty lines into the last paragraph
        Finding("Loaded_Language", 0.8, first + 6, first + 10),
    )
    rows = st3_rows(_analysis(text, findings))
    assert rows == ["42\t1\t", "42\t3\tDoubt,Loaded_Language", "42\t6\tDoubt"]
    assert paragraph_labels(_analysis(text, ()).document, ()) == [[], [], []]
    assert span_rows(_analysis(text, findings))[0] == f"42\tLoaded_Language\t{first}\t{first + 5}"


def test_predict_formats_on_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    texts = {
        "article7": "A headline\n\nThose traitors lie to you every single day.\n\n\nWe must act now!\n",
        "8": "\nLe gouvernement ment. C'est une honte.\n",
    }
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    st3 = tmp_path / "st3.txt"
    predict("semeval2023-st3", folder, st3)
    rows = [r.split("\t") for r in st3.read_text(encoding="utf-8").split("\n") if r]
    assert sorted((r[0], r[1]) for r in rows) == [("7", "1"), ("7", "3"), ("7", "6"), ("8", "2")]
    for r in rows:
        assert len(r) == 3 and all(t in TECHNIQUES_2023 for t in r[2].split(",") if t)
    spans = tmp_path / "spans.txt"
    predict("spans", folder, spans)
    for line in spans.read_text(encoding="utf-8").splitlines():
        doc_id, tech, start, end = line.split("\t")
        text = texts["article7" if doc_id == "7" else doc_id]
        assert tech in TECHNIQUES_2023 and 0 <= int(start) < int(end) <= len(text)


def test_model_manifest_is_checked(tmp_path: Path) -> None:
    from narrascope.analyze.doclabels import model_dir

    src = model_dir("techniques")
    dst = tmp_path / "techniques"
    for f in src.rglob("*"):
        if f.is_file():
            (dst / f.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
            (dst / f.relative_to(src)).write_bytes(f.read_bytes())
    assert TechniqueModel.load(dst).labels == list(TECHNIQUES_2023)
    weights = dst / "multi" / "weights.npz"
    raw = bytearray(weights.read_bytes())
    raw[-5] ^= 0xFF
    weights.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match=r"weights\.npz"):
        TechniqueModel.load(dst)


def _gate_slice(data: Path) -> list[tuple[Article, dict[int, tuple[str, ...]]]]:
    from narrascope.datasets.spans import load_st3
    from narrascope.datasets.split import natural_key, split_by_id

    docs = load_st3(data, langs=("en",))
    _, val = split_by_id([d.article.id for d in docs], [d.article.lang for d in docs])
    chosen = sorted(val, key=natural_key)[:GATE_SIZE]
    by_id = {d.article.id: d for d in docs}
    return [(by_id[i].article, by_id[i].line_labels()) for i in chosen]


def gate_fingerprint(items: list[tuple[Article, dict[int, tuple[str, ...]]]]) -> str:
    h = hashlib.sha256()
    for article, lines in items:
        h.update(article.id.encode() + b"\0" + article.text.encode() + b"\0")
        h.update(json.dumps(sorted((k, sorted(v)) for k, v in lines.items())).encode())
    return h.hexdigest()


def gate_score(items: list[tuple[Article, dict[int, tuple[str, ...]]]], analyzer: Analyzer) -> float:
    gold: dict[tuple[str, str], list[str]] = {}
    pred: dict[tuple[str, str], list[str]] = {}
    for article, lines in items:
        for row in st3_rows(analyzer.analyze(article)):
            doc_id, line, techs = row.split("\t")
            pred[(doc_id, line)] = [t for t in techs.split(",") if t]
            gold[(doc_id, line)] = list(lines.get(int(line), ()))
    return score_st3(gold, pred).official


def check_gate(data_dir: Path, analyzer: Analyzer, floor: float) -> None:
    """The gate slice is unchanged, and ``analyzer``'s st3 micro-F1 on it reaches ``floor``."""
    items = _gate_slice(data_dir)
    assert gate_fingerprint(items) == GATE_FINGERPRINT, "the gold slice of the accuracy gate changed"
    score = gate_score(items, analyzer)
    assert score >= floor, f"st3 micro-F1 {score:.4f} fell below the floor {floor:.4f}"


@pytest.mark.slow
def test_accuracy_gate(data_dir: Path, analyzer: Analyzer) -> None:
    check_gate(data_dir, analyzer, GATE_FLOOR)


@pytest.mark.slow
def test_training_path_on_a_tiny_slice(data_dir: Path, tmp_path: Path) -> None:
    from narrascope.train import train

    report = train("techniques.v1", data_dir, tmp_path / "model", limit=3)
    assert report.n_train > 0 and report.n_val > 0 and "all" in report.validation
    model = TechniqueModel.load(tmp_path / "model")
    assert set(model.heads) == {"multi"} and len(model.labels) == 23
    assert model.heads["multi"].lexical is not None
    assert (tmp_path / "model" / "MODEL_CARD.md").read_text(encoding="utf-8").startswith("# techniques")
