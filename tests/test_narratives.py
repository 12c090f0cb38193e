"""The narratives detector: conformance, hierarchy, official formats, user taxonomies, training, gate."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from narrascope.analyze.narratives import EXPLANATION_WORDS, NarrativeDetector, narratives_v1
from narrascope.pipeline import Analyzer
from narrascope.types import Article, Finding

TEXTS = [
    "NATO kept moving east for decades and ignored every warning from Moscow. The alliance, not Russia, "
    "provoked this conflict. Western leaders now pretend to be surprised by the war they invited.",
    "The so-called climate emergency is a scam. Temperatures have always gone up and down with the sun. "
    "Carbon dioxide is a trace gas that cannot steer the weather.",
    "The city council approved a new bicycle lane on Main Street. Work starts in May.",
]

# Our own three-narrative taxonomy and texts written for this test.
USER_TAXONOMY = """
name: harbour-town
narratives:
  - name: Tourism ruins the town
    description: Visitors and holiday flats are blamed for crowds, noise and rents that push locals out.
    examples:
      - "Cruise ships unload thousands of tourists who clog the old streets every day."
      - "Holiday flats have driven rents so high that nurses can no longer live here."
  - name: The new bridge is dangerous
    description: The new bridge is said to be badly built and likely to fail or collapse.
    examples:
      - "Engineers found cracks in the concrete of the new bridge only weeks after it opened."
      - "Residents fear the bridge will collapse under heavy lorries."
  - name: Fishing is being destroyed
    description: Quotas and regulations are blamed for killing the local fishing trade and its jobs.
    examples:
      - "New quotas leave our trawlers tied up in the harbour for half the year."
      - "Young people no longer become fishermen because the rules make it impossible to earn a living."
"""
USER_TEXTS = {
    "Tourism ruins the town": (
        "Every summer the lanes by the harbour fill with crowds from the cruise ships. "
        "Rents have tripled since landlords turned flats into holiday lets, and teachers are moving "
        "away. The mayor says the visitors bring money, but locals say they bring only noise."
    ),
    "The new bridge is dangerous": (
        "The new bridge opened in March. Since then, inspectors have reported cracks in the concrete "
        "and rusting steel cables. Drivers say the deck shakes whenever a lorry crosses, and many fear "
        "it could give way."
    ),
    "Fishing is being destroyed": (
        "The fleet that once had forty boats now has six. Skippers blame the quotas, which keep the "
        "trawlers in port for months. Fewer young people join the crews, since the regulations leave "
        "no way to make a living."
    ),
}


@pytest.fixture(scope="module")
def builtin() -> NarrativeDetector:
    return narratives_v1()


def _analyze(detector: NarrativeDetector, texts: list[str]) -> list[tuple[Article, tuple[Finding, ...]]]:
    from narrascope.extract import prepare

    docs = [prepare(Article(text=t, lang="en")) for t in texts]
    feats = Analyzer(detectors=()).features(docs)
    return [(d.article, r.findings) for d, r in zip(docs, detector.detect_batch(docs, feats), strict=True)]


def _check_consistent(text: str, findings: tuple[Finding, ...], detector: NarrativeDetector) -> None:
    from narrascope.extract import prepare

    sentences = prepare(Article(text=text, lang="en")).sentences
    narratives = [f for f in findings if f.attr("level") == "narrative"]
    subs = [f for f in findings if f.attr("level") == "subnarrative"]
    assert narratives, "every document gets at least one narrative (possibly Other)"
    assert len([f for f in narratives if f.attr("dominant") == "true"]) == 1
    names = {f.label for f in narratives}
    for f in findings:
        assert 0.0 <= f.score <= 1.0 and f.start is None
        assert all(ev in sentences for ev in f.evidence)
        assert len(f.attr("explanation").split()) <= EXPLANATION_WORDS
    for s in subs:
        assert s.attr("parent") in names, f"{s.label} without its narrative"
    tax = detector.taxonomy
    for n in narratives:
        if n.label != tax.other:
            assert n.evidence, "a found narrative has evidence"
            if tax.other_child:
                assert any(s.attr("parent") == n.label for s in subs)
            assert tax.label(n.label).parent == ""


def test_builtin_conformance_and_hierarchy(builtin: NarrativeDetector) -> None:
    for article, findings in _analyze(builtin, TEXTS):
        _check_consistent(article.text, findings, builtin)
    assert builtin.name == "narratives.v1" and builtin.requires == ("multi",)


def test_builtin_reads_the_words(builtin: NarrativeDetector) -> None:
    """The committed head has a lexical part, fed from the whole text at run time."""
    from narrascope.extract import prepare

    assert builtin.head is not None and builtin.head.lexical is not None
    doc = prepare(Article(text=TEXTS[1], lang="en"))
    sentences = Analyzer(detectors=()).features([doc])[0].get("multi")
    with_text, without = builtin.scores(sentences, "en", doc.text), builtin.scores(sentences, "en")
    assert with_text.shape == without.shape and not np.allclose(with_text, without)


def test_builtin_finds_the_obvious(builtin: NarrativeDetector) -> None:
    (_, war), (_, climate), _ = _analyze(builtin, TEXTS)
    assert any(f.label.startswith("URW:") for f in war if f.attr("level") == "narrative")
    assert any(f.label.startswith("CC:") for f in climate if f.attr("level") == "narrative")


def test_user_taxonomy_zero_shot(tmp_path: Path) -> None:
    path = tmp_path / "harbour.yaml"
    path.write_text(USER_TAXONOMY, encoding="utf-8")
    det = NarrativeDetector.from_taxonomy(path)
    assert det.head is None and "zero-shot" in det.model_version
    results = _analyze(det, list(USER_TEXTS.values()))
    for (expected, text), (_, findings) in zip(USER_TEXTS.items(), results, strict=True):
        _check_consistent(text, findings, det)
        found = [f.label for f in findings if f.attr("level") == "narrative"]
        assert found[0] == expected, (expected, found)
        assert len(found) == 1, found
    ((_, neutral),) = _analyze(det, ["The library opens at nine. Entry is free for children under twelve."])
    assert [f.label for f in neutral if f.attr("level") == "narrative"] == ["Other"]


def test_predict_formats(tmp_path: Path) -> None:
    from narrascope.predict import predict

    src = tmp_path / "in"
    src.mkdir()
    for k, text in enumerate(TEXTS):
        (src / f"EN_T_{k}.txt").write_text(text, encoding="utf-8")
    out2, out3 = tmp_path / "st2.txt", tmp_path / "st3.txt"
    assert predict("semeval2025-st2", src, out2).written == 3
    assert predict("semeval2025-st3", src, out3).written == 3
    rows2 = [r.split("\t") for r in out2.read_text(encoding="utf-8").splitlines()]
    assert [r[0] for r in rows2] == ["EN_T_0.txt", "EN_T_1.txt", "EN_T_2.txt"]
    for _, narratives, subs in rows2:
        coarse = narratives.split(";")
        for s in subs.split(";"):
            assert s == "Other" or any(s.startswith(n + ": ") for n in coarse)
    rows3 = [r.split("\t") for r in out3.read_text(encoding="utf-8").splitlines()]
    assert [r[0] for r in rows3] == ["EN_T_0.txt", "EN_T_1.txt", "EN_T_2.txt"]
    assert all(len(r) == 2 and 0 < len(r[1].split()) <= EXPLANATION_WORDS for r in rows3)


def _write_layout(root: Path, labelled: dict[str, str]) -> None:
    folder = root / "XX"
    (folder / "raw-documents").mkdir(parents=True)
    rows = []
    k = 0
    for label, text in labelled.items():
        for variant in (text, text.replace(".", "!"), " ".join(reversed(text.split(". ")))):
            name = f"XX_{k}.txt"
            (folder / "raw-documents" / name).write_text(variant, encoding="utf-8")
            rows.append(f"{name}\t{label}\t{label}")
            k += 1
    (folder / "subtask-2-annotations.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_train_user_taxonomy(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from narrascope.train import train

    tax = tmp_path / "harbour.yaml"
    tax.write_text(USER_TAXONOMY, encoding="utf-8")
    _write_layout(tmp_path / "data", USER_TEXTS)
    report = train("narratives", tmp_path / "data", None, taxonomy=tax)
    assert report.out == tmp_path / "harbour-model"
    det = NarrativeDetector.from_taxonomy(report.out)
    assert det.head is not None and det.taxonomy.name == "harbour-town"
    results = _analyze(det, list(USER_TEXTS.values()))
    for expected, (_, findings) in zip(USER_TEXTS, results, strict=True):
        assert next(f.label for f in findings if f.attr("level") == "narrative") == expected


# -- on the shared corpora (skipped when absent) ------------------------------------------------------------
SLICE_SHA256 = "d38e05933545e1c18c44d1dff6ba76946900c50b81ee775d396ac46593560ebc"
# measured 0.993 / 0.973: the committed model saw this slice, and its hashed n-grams all but memorise it
FLOORS = {"coarse": 0.96, "fine": 0.94}
# By-id held-out figures recorded in the committed manifest (measured 0.593/0.521 en, 0.556/0.373 all).
HELD_OUT_FLOORS = {"en": (0.57, 0.49), "all": (0.53, 0.35)}


@pytest.fixture(scope="module")
def corpus(semeval2025_dir: Path) -> Path:
    return semeval2025_dir


@pytest.mark.slow
def test_training_path_tiny_slice(corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    from narrascope.train.narratives import Settings, train_narratives

    report = train_narratives(corpus, tmp_path / "model", limit=8, settings=Settings(folds=2))
    assert report.n_train + report.n_val == 40 and "all" in report.validation
    det = NarrativeDetector.from_model(tmp_path / "model")
    assert (tmp_path / "model" / "MODEL_CARD.md").is_file()
    for article, findings in _analyze(det, TEXTS):
        _check_consistent(article.text, findings, det)


@pytest.mark.slow
def test_accuracy_gate(corpus: Path, builtin: NarrativeDetector) -> None:
    """The committed model on a pinned slice (the English by-id validation documents) must keep its figures.

    The committed model is refit on all training documents, this slice included: the gate catches
    regressions, the held-out figures are in the model card."""
    from narrascope.datasets.semeval2025 import load_narratives
    from narrascope.datasets.split import split_by_id
    from narrascope.train.narratives import Settings, document_matrix, evaluate, sentence_matrices

    docs = load_narratives(corpus, langs=["EN"])
    _, val = split_by_id([d.article.id for d in docs])
    docs = [d for d in docs if d.article.id in val]
    gold = "\n".join(f"{d.file}\t{';'.join(d.narratives)}\t{';'.join(d.subnarratives)}" for d in docs)
    assert hashlib.sha256(gold.encode("utf-8")).hexdigest() == SLICE_SHA256, "the pinned gold slice changed"
    settings = Settings(languages=tuple(builtin.langs))
    x = document_matrix(docs, sentence_matrices(docs, "multi", lambda s: None), settings)
    row = evaluate(builtin, docs, x)["en"]
    assert row["coarse"] >= FLOORS["coarse"] and row["fine"] >= FLOORS["fine"], row


def test_committed_model_held_out_figures() -> None:
    """The committed model's manifest records its by-id held-out figures; a retrained model must not fall
    below these floors (measured minus a margin) to be committed."""
    from narrascope.analyze.heads import read_manifest
    from narrascope.analyze.narratives import model_folder

    manifest = read_manifest(model_folder())
    validation = manifest["validation"]
    for lang, (coarse, fine) in HELD_OUT_FLOORS.items():
        assert validation[lang]["coarse"] >= coarse and validation[lang]["fine"] >= fine, (
            lang,
            validation[lang],
        )
    assert manifest["taxonomy_sha256"] == narratives_v1().taxonomy.digest
