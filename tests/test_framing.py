"""Entity framing: entity finding and grouping, role consistency, the official format, training, the gate."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from narrascope.analyze.framing import FINE_ROLES, MAIN_ROLES, PARENT, decide
from narrascope.entities import RawMention, canonical_actor, find_entities, group
from narrascope.entities.annotations import locate
from narrascope.types import Article, Finding

# Texts written for these tests.
TEXTS = [
    "The United States sent new weapons to Kyiv on Monday. American officials said the aid would protect "
    "Ukrainian cities from Russian missiles. Vladimir Putin warned Washington that the shipments were a "
    "provocation, and the Kremlin threatened to respond.\n\nVolodymyr Zelenskyy thanked Joe Biden. "
    "Zelensky said the people of Kharkiv had suffered enough.",
    "Climate activists from Green Future blocked a road in Lisbon. The police removed them after an hour. "
    "Maria Santos, the group's leader, accused the European Union of betraying farmers.",
    "Nothing here names anyone at all; it is only a sentence about the weather, which was mild.",
]


def test_aliases_group_one_actor() -> None:
    for name in ("the United States", "US", "U.S.", "Washington", "American officials", "the White House"):
        assert canonical_actor(name) == "United States", name
    for name in ("Kremlin", "the Kremlin", "Moscow", "Russian authorities", "Россия"):
        assert canonical_actor(name) == "Russia", name
    assert canonical_actor("Kiev") == canonical_actor("Kyiv") == canonical_actor("Ukraine") == "Ukraine"
    assert canonical_actor("Brussels") == "European Union"
    assert canonical_actor("Zelenskyy") == canonical_actor("Zelensky's") == "Volodymyr Zelensky"
    assert canonical_actor("Green Future") is None


def test_persons_join_by_last_name() -> None:
    raw = [
        RawMention(0, 11, "Maria Santos", "PERSON"),
        RawMention(20, 26, "Santos", "PERSON"),
        RawMention(30, 35, "NATO", "ORG"),
        RawMention(40, 44, "Nato", "ORG"),
    ]
    names = [m.entity for m in group(raw)]
    assert names == ["Maria Santos", "Maria Santos", "NATO", "NATO"]


def test_find_entities_in_bounds_and_grouped() -> None:
    text = TEXTS[0]
    found = find_entities(text, "en", prefer_ner=False)
    assert found and all(0 <= m.start < m.end <= len(text) for m in found)
    assert all(text[m.start : m.end] == m.text for m in found)
    by: dict[str, set[str]] = {}
    for m in found:
        by.setdefault(m.entity, set()).add(m.text)
    assert {"United States", "Washington"} <= by["United States"]
    assert {"Volodymyr Zelenskyy", "Zelensky"} <= by["Volodymyr Zelensky"]
    assert "Kremlin" in by["Russia"]
    assert find_entities(TEXTS[2], "en", prefer_ner=False) == []


def test_find_entities_in_hindi_without_capitals() -> None:
    """Devanagari has no letter case: the actor gazetteer and the Devanagari name list find the names, whole
    words only (the vowel sign after a listed stem makes another word), actors first."""
    text = "प्रधानमंत्री नरेंद्र मोदी ने पाकिस्तान और पश्चिमी देशों की आलोचना की। रूस में पश्चिमीकरण पर बहस है।"
    found = find_entities(text, "hi", prefer_ner=False)
    assert all(text[m.start : m.end] == m.text for m in found)
    texts = {m.text for m in found}
    assert {"नरेंद्र मोदी", "पाकिस्तान", "पश्चिमी देशों", "रूस"} <= texts
    assert not any(t.startswith("पश्चिम") and t not in {"पश्चिमी देशों"} for t in texts)
    assert next(m.entity for m in found if m.text == "रूस") == "Russia"


def test_locate_repairs_crlf_offsets() -> None:
    text = "First line.\nSecond line.\nThe Kremlin said no."
    crlf = text.replace("\n", "\r\n")
    start = crlf.index("Kremlin")
    assert locate(text, "Kremlin", start, start + 6) == (
        text.index("Kremlin"),
        text.index("Kremlin") + 7,
        "crlf",
    )
    exact = text.index("Kremlin")
    assert locate(text, "Kremlin", exact, exact + 6)[2] == "exact"
    assert locate(text, "Gazprom", 3, 9) == (-1, -1, "")


def test_decide_is_consistent() -> None:
    rng = np.random.default_rng(0)
    for _ in range(200):
        pm = rng.dirichlet(np.ones(len(MAIN_ROLES))).astype(np.float32)
        pf = rng.random(len(FINE_ROLES)).astype(np.float32)
        d = decide(pm, pf, rng.random(len(FINE_ROLES)).astype(np.float32))
        assert d.fine and d.main == PARENT[d.fine[0]]
        assert all(PARENT[j] == d.main for j in d.fine) and len(set(d.fine)) == len(d.fine)


def _check_findings(text: str, findings: tuple[Finding, ...]) -> None:
    mentions = [f for f in findings if f.attr("level") == "mention"]
    entities = [f for f in findings if f.attr("level") == "entity"]
    for f in [*mentions, *entities]:
        assert f.label in MAIN_ROLES and f.attr("main_role") == f.label and 0.0 <= f.score <= 1.0
        fine = f.attr("fine_roles").split(",")
        assert fine and all(r in FINE_ROLES for r in fine)
        assert all(MAIN_ROLES[PARENT[FINE_ROLES.index(r)]] == f.label for r in fine), f
        assert f.attr("entity") and f.attr("type")
    for f in mentions:
        assert f.start is not None and f.end is not None and 0 <= f.start < f.end <= len(text)
    assert {f.attr("entity") for f in mentions} == {f.attr("entity") for f in entities}
    counts = sum(int(f.attr("mentions")) for f in entities)
    assert counts == len(mentions) and all(f.start is None for f in entities)
    for e in entities:  # ``agree``: how many of the entity's mentions carry its main role
        own = [f for f in mentions if f.attr("entity") == e.attr("entity")]
        assert int(e.attr("agree")) == sum(f.label == e.label for f in own) >= 1
        assert max(sum(f.label == r for f in own) for r in MAIN_ROLES) == int(e.attr("agree"))


def test_detector_conformance() -> None:
    from narrascope.analyze.base import available
    from narrascope.pipeline import Analyzer

    assert {"framing.v1", "framing.v2"} <= set(available())
    for name in ("framing", "framing.v1"):  # the default is v2, on the reader's pass
        analyzer = Analyzer(detectors=(name,))
        for text in TEXTS:
            result = analyzer.analyze(Article(text=text, lang="en")).result("framing")
            assert result is not None and result.detector == ("framing.v2" if name == "framing" else name)
            _check_findings(text, result.findings)
        found = analyzer.analyze(Article(text=TEXTS[0], lang="en")).result("framing")
        assert found is not None
        assert {"United States", "Russia", "Volodymyr Zelensky"} <= {f.attr("entity") for f in found.findings}


def test_v2_reads_the_reader_and_an_article_gets_one_answer_in_any_batch() -> None:
    from narrascope.pipeline import Analyzer

    analyzer = Analyzer(detectors=("framing.v2",))
    arts = [Article(text=t, lang="en") for t in TEXTS]
    alone = [analyzer.analyze(a).result("framing") for a in arts]
    docs = [analyzer.prepare(a) for a in arts[::-1]]
    together = [a.result("framing") for a in analyzer.analyze_documents(docs)][::-1]
    assert [r.findings for r in alone] == [r.findings for r in together]  # type: ignore[union-attr]
    assert any(r.findings for r in alone)  # type: ignore[union-attr]


def test_v2_refuses_a_pass_of_another_reader() -> None:
    from narrascope.analyze.framing import framing_v2
    from narrascope.analyze.heads import ModelFileError
    from narrascope.pipeline import Analyzer

    det = framing_v2()
    assert det.requires == ("multi", "reader") and det.model.reader
    analyzer = Analyzer(detectors=("framing.v2",))
    doc = analyzer.prepare(Article(text=TEXTS[0], lang="en"))
    feat = analyzer.features([doc])[0]
    assert det.detect_batch([doc], [feat])[0].findings
    det.model.reader = "some-other-reader-1@000000000000"
    with pytest.raises(ModelFileError, match="trained on reader"):
        det.detect_batch([doc], [feat])


def test_predict_st1_with_mentions_keeps_row_order(tmp_path: Path) -> None:
    from narrascope.cli import main

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "EN_1.txt").write_text(TEXTS[0].replace("\n", "\r\n"), encoding="utf-8")
    (folder / "EN_2.txt").write_text(TEXTS[1], encoding="utf-8")
    rows = []
    for name, text, entity in [
        ("EN_2.txt", TEXTS[1], "Maria Santos"),
        ("EN_1.txt", TEXTS[0], "Kremlin"),
        ("EN_2.txt", TEXTS[1], "European Union"),
        ("EN_1.txt", TEXTS[0], "Zelensky"),
    ]:
        start = text.index(entity)
        rows.append(f"{name}\t{entity}\t{start}\t{start + len(entity) - 1}")
    (tmp_path / "mentions.txt").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "pred.txt"
    result = CliRunner().invoke(
        main,
        [
            "predict",
            "semeval2025-st1",
            str(folder),
            "--out",
            str(out),
            "--mentions",
            str(tmp_path / "mentions.txt"),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[:4] for line in lines] == [r.split("\t") for r in rows]
    for line in lines:
        main_role, *fine = line.split("\t")[4:]
        assert main_role in MAIN_ROLES and fine
        assert all(MAIN_ROLES[PARENT[FINE_ROLES.index(r)]] == main_role for r in fine)


# -- on the shared corpora (skipped when absent) ------------------------------------------------------------
SLICE_SHA256 = "5e205be62c1a3e3f38f6d18791fca58dc846bc38aa65ee534cfb48fb06d402ff"
# measured 0.622 / 0.874 on the pinned slice with the committed model, which saw it (refit on all the
# training data): a regression gate; the held-out figures are in the manifest (next test) and model card
FLOORS = {"EMR": 0.59, "main": 0.84}
# by-id held-out figures recorded in the committed manifest (measured EMR / main-role accuracy:
# en 0.267 / 0.719, all languages 0.336 / 0.614)
HELD_OUT_FLOORS = {"en": (0.24, 0.69), "all": (0.31, 0.58)}
# framing.v2 on the same slice, measured 0.719 / 0.933 (it saw the slice)
FLOORS_V2 = {"EMR": 0.68, "main": 0.90}
# framing.v2's by-id held-out figures in its manifest (measured EMR / main: en 0.289 / 0.711, all 0.397 /
# 0.683, against v1's 0.267 / 0.719 and 0.336 / 0.614)
HELD_OUT_FLOORS_V2 = {"en": (0.26, 0.70), "all": (0.37, 0.66)}


@pytest.fixture(scope="module")
def corpus(semeval2025_dir: Path) -> Path:
    return semeval2025_dir


@pytest.mark.slow
@pytest.mark.parametrize("recipe,name", [("framing", "framing.v2"), ("framing.v1", "framing.v1")])
def test_training_path_tiny_slice(corpus: Path, tmp_path: Path, recipe: str, name: str) -> None:
    pytest.importorskip("sklearn")
    from narrascope.cli import main

    out = tmp_path / "model"
    result = CliRunner().invoke(
        main, ["train", recipe, "--data", str(corpus), "--limit", "2", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert (out / "MODEL_CARD.md").is_file() and (out / "main" / "weights.npz").is_file()
    assert "language majority" in result.output
    from narrascope.analyze.framing import READER_SPACES, FramingDetector
    from narrascope.reader import get_reader

    det = FramingDetector(name, out)
    assert det.model.fine.thresholds.shape == (len(FINE_ROLES),)
    assert (det.space == READER_SPACES) == (name == "framing.v2")
    if name == "framing.v2":
        assert det.model.reader == get_reader().id
        analysis_doc = Article(text=TEXTS[0], lang="en")
        from narrascope.pipeline import Analyzer

        analyzer = Analyzer(detectors=("framing.v2",))
        doc = analyzer.prepare(analysis_doc)
        _check_findings(doc.text, det.detect_batch([doc], analyzer.features([doc]))[0].findings)


@pytest.mark.slow
def test_accuracy_gate(corpus: Path) -> None:
    """The committed model on a pinned slice (the English by-id validation documents)."""
    from narrascope.analyze.framing import framing_v1
    from narrascope.datasets.split import split_by_id
    from narrascope.entities.annotations import load_roles
    from narrascope.train.framing import build_table, evaluate, majority_fine

    docs, _ = load_roles(corpus, langs=["EN"])
    _, val = split_by_id([d.article.id for d in docs])
    docs = [d for d in docs if d.article.id in val]
    gold = "\n".join(
        f"{d.file}\t{m.entity}\t{m.raw_start}\t{m.raw_end}\t{m.main}\t{','.join(m.fine)}"
        for d in docs
        for m in d.mentions
    )
    assert hashlib.sha256(gold.encode("utf-8")).hexdigest() == SLICE_SHA256, "the pinned gold slice changed"
    table = build_table(docs, lambda s: None)
    rows = np.ones(len(table.doc), dtype=bool)
    row = evaluate(framing_v1().model, table, rows, majority_fine(table, rows))["en"]
    assert row["EMR"] >= FLOORS["EMR"] and row["main"] >= FLOORS["main"], row


@pytest.mark.slow
def test_accuracy_gate_v2(corpus: Path) -> None:
    """framing.v2 on the same pinned slice (which it saw: a regression gate, not a quality figure)."""
    from narrascope.analyze.framing import READER_SPACES, framing_v2
    from narrascope.datasets.split import split_by_id
    from narrascope.entities.annotations import load_roles
    from narrascope.train.framing import build_table, evaluate, majority_fine

    docs, _ = load_roles(corpus, langs=["EN"])
    _, val = split_by_id([d.article.id for d in docs])
    table = build_table([d for d in docs if d.article.id in val], lambda s: None, READER_SPACES)
    rows = np.ones(len(table.doc), dtype=bool)
    row = evaluate(framing_v2().model, table, rows, majority_fine(table, rows))["en"]
    assert row["EMR"] >= FLOORS_V2["EMR"] and row["main"] >= FLOORS_V2["main"], row


def test_v2_beats_each_languages_majority_main_role_held_out() -> None:
    """The rule of the issue: no framing model ships below the per-language majority main role on its
    held-out validation (the by-id split; the block spread is in the README, ``bench/framing_reader.py``)."""
    from narrascope.analyze.doclabels import model_dir
    from narrascope.analyze.heads import read_manifest

    validation = read_manifest(model_dir("framing-reader"))["validation"]
    assert {"bg", "en", "hi", "pt", "ru", "all"} <= set(validation)
    for lang, row in validation.items():  # measured: English ties its majority (0.711) on this split
        assert row["main"] >= row["majority_main"], (lang, row)
        assert row["EMR"] > row["base_EMR"], (lang, row)
    assert validation["all"]["main"] >= validation["all"]["majority_main"] + 0.15
    for lang, (emr, main) in HELD_OUT_FLOORS_V2.items():
        assert validation[lang]["EMR"] >= emr and validation[lang]["main"] >= main, lang


def test_committed_model_held_out_figures() -> None:
    """A retrained model must not fall below these by-id held-out floors to be committed."""
    from narrascope.analyze.doclabels import model_dir
    from narrascope.analyze.heads import read_manifest

    validation = read_manifest(model_dir("framing"))["validation"]
    for lang, (emr, main) in HELD_OUT_FLOORS.items():
        row = validation[lang]
        assert row["EMR"] >= emr and row["main"] >= main, (lang, row)
        assert row["EMR"] > row["base_EMR"], (lang, row)


def test_a_model_of_another_gazetteer_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mention features' columns depend on the known actors (one-hot, camps): a model records their
    digest, and a model trained with another list is refused at load, naming the folder."""
    import shutil

    from narrascope.analyze.doclabels import model_dir
    from narrascope.analyze.framing import FramingModel
    from narrascope.encode.manifest import ModelFileError
    from narrascope.entities import features

    for name in ("framing", "framing-reader"):
        folder = tmp_path / name
        shutil.copytree(model_dir(name), folder)
        FramingModel.load(folder)  # as shipped: the digest matches
        with monkeypatch.context() as m:
            m.setattr(features, "_ACTORS", [*features._ACTORS, "Atlantis"])
            with pytest.raises(ModelFileError, match=rf"{name}.*retrain"):
                FramingModel.load(folder)
