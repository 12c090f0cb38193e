"""The mention tagger on the reader's rows: runs, caseless scripts, its model file, framing.v2's use of it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from narrascope.encode.manifest import ModelFileError
from narrascope.entities import RawMention
from narrascope.entities.tagger import (
    FILE,
    MentionTagger,
    caseless,
    has_caseless,
    runs,
    token_features,
    token_labels,
)

# Texts written for these tests: "Ivan Petrov met the minister in Delhi." in Hindi, names outside the list.
HINDI = "इवान पेत्रोव ने दिल्ली में मंत्री से मुलाकात की।"
ENGLISH = "the committee met on monday and the minister spoke."


def _offsets(text: str) -> np.ndarray:
    """Word-piece-like offsets: each word split into two tokens where it can be."""
    out = []
    start = None
    for i, ch in enumerate(text + " "):
        if ch.isspace() or ch in "।.":
            if start is not None:
                mid = start + max(1, (i - start) // 2)
                out += [(start, mid)] + ([(mid, i)] if mid < i else [])
                start = None
            if ch in "।.":
                out.append((i, i + 1))
        elif start is None:
            start = i
    return np.array(out, dtype=np.int64)


def test_runs_join_tokens_and_widen_to_whole_words_in_devanagari() -> None:
    offsets = _offsets(HINDI)
    keep = np.zeros(len(offsets), dtype=bool)
    keep[1] = True  # the second half of "इवान" only
    keep[2] = True  # and the first half of "पेत्रोव"
    assert [HINDI[s:e] for s, e in runs(HINDI, offsets, keep)] == ["इवान पेत्रोव"]
    dash = "इवान — पेत्रोव"
    assert runs(dash, np.array([[0, 4], [5, 6], [7, 14]]), np.array([False, True, False])) == []  # no letter


def test_caseless_scripts() -> None:
    assert caseless("इवान") and caseless("北京") and not caseless("Ivan") and not caseless("123")
    assert has_caseless("Le " + HINDI) and not has_caseless(ENGLISH)


def test_labels_and_features() -> None:
    offsets = np.array([[0, 4], [5, 9], [10, 15]])
    assert token_labels(offsets, [(5, 7)]).tolist() == [0, 1, 0]
    hidden = np.arange(6, dtype=np.float32).reshape(3, 2)
    x = token_features(hidden)
    assert x.shape == (3, 4) and x[1, 2:].tolist() == [2.0, 3.0]  # the mean of rows 0 and 2


def _tagger_on(dim: int, bias: float = -5.0) -> MentionTagger:
    """Tags a token when its own row's first value is 1 (weight 10 there)."""
    w = np.zeros(2 * dim, dtype=np.float32)
    w[0] = 10.0
    return MentionTagger(w, bias, 0.5)


def test_extra_mentions_only_in_caseless_scripts_and_never_over_a_found_one() -> None:
    for text, expect in ((HINDI, ["इवान पेत्रोव"]), (ENGLISH, [])):
        offsets = _offsets(text)
        hidden = np.zeros((len(offsets), 4), dtype=np.float32)
        hidden[:4, 0] = 1.0  # the first two words
        tagger = _tagger_on(4)
        assert [m.text for m in tagger.extra_mentions(text, offsets, hidden, [])] == expect
    found = [RawMention(0, 4, "इवान", "NAME")]
    offsets = _offsets(HINDI)
    hidden = np.zeros((len(offsets), 4), dtype=np.float32)
    hidden[:4, 0] = 1.0
    assert _tagger_on(4).extra_mentions(HINDI, offsets, hidden, found) == []


def test_a_tagger_of_another_width_is_refused() -> None:
    with pytest.raises(ModelFileError, match="wide"):
        _tagger_on(4).probabilities(np.zeros((3, 8), dtype=np.float32))


def test_tagger_file_round_trip_and_bad_files(tmp_path: Path) -> None:
    tagger = _tagger_on(3)
    tagger.save(tmp_path)
    back = MentionTagger.load(tmp_path)
    assert back.cut == 0.5 and np.array_equal(back.weights, tagger.weights)
    (tmp_path / FILE).write_bytes(b"not a numpy file")
    with pytest.raises(ModelFileError, match=FILE):
        MentionTagger.load(tmp_path)


def test_v2_model_checks_its_tagger(tmp_path: Path) -> None:
    """The shipped framing.v2 folder lists its tagger with a checksum; an altered tagger is refused."""
    import shutil

    from narrascope.analyze.doclabels import model_dir
    from narrascope.analyze.framing import FramingModel

    folder = tmp_path / "framing-reader"
    shutil.copytree(model_dir("framing-reader"), folder)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert FILE in manifest["files"]
    model = FramingModel.load(folder)
    assert model.tagger is not None and 0 < model.tagger.cut < 1
    assert model.tagger.weights.shape == (2 * 384,)
    data = bytearray((folder / FILE).read_bytes())
    data[-20] ^= 0xFF
    (folder / FILE).write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="checksum"):
        FramingModel.load(folder)


def test_v2_detector_adds_tagged_names_in_hindi_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """framing.v2's entity finding: the finders' mentions, plus the tagger's runs in a caseless script."""
    from narrascope.analyze.framing import framing_v2
    from narrascope.pipeline import Analyzer
    from narrascope.types import Article

    det = framing_v2()
    tagger = det.model.tagger
    assert tagger is not None
    name = "इवान पेत्रोव"
    tagged = {HINDI: (0, len(name)), ENGLISH: (4, 13)}  # the name; "committee"

    def spans(self: MentionTagger, text: str, offsets: object, hidden: object) -> list[tuple[int, int]]:
        return [tagged[text]]

    analyzer = Analyzer(detectors=(det,))
    monkeypatch.setattr(det.model, "tagger", None)
    before = analyzer.analyze(Article(text=HINDI, lang="hi", id="hi")).result("framing")
    monkeypatch.setattr(det.model, "tagger", tagger)
    monkeypatch.setattr(MentionTagger, "spans", spans)
    hindi = analyzer.analyze(Article(text=HINDI, lang="hi", id="hi")).result("framing")
    english = analyzer.analyze(Article(text=ENGLISH, lang="en", id="en")).result("framing")
    assert before is not None and hindi is not None and english is not None

    def located(result: object, text: str) -> set[str]:
        return {text[f.start : f.end] for f in result.findings if f.start is not None and f.end is not None}  # type: ignore[attr-defined]

    assert name not in located(before, HINDI)  # not in the list of Devanagari names
    assert name in located(hindi, HINDI)
    assert "committee" not in located(english, ENGLISH)  # a cased script: capitals decide there


def test_the_shipped_tagger_finds_a_hindi_name_outside_the_list() -> None:
    """On a Hindi text we wrote, an invented person's name no list holds is found by the shipped tagger."""
    from narrascope.entities import find_entities
    from narrascope.pipeline import Analyzer
    from narrascope.types import Article

    text = (
        "रूस के विदेश मंत्री ने नाटो पर आरोप लगाया कि वह रूस को घेर रहा है। "
        "अर्थशास्त्री अनिल मेहता का कहना है कि प्रतिबंधों से आम लोग परेशान हैं।"
    )
    name = "अनिल मेहता"
    assert name not in {m.text for m in find_entities(text, "hi", prefer_ner=False)}
    result = (
        Analyzer(detectors=("framing.v2",)).analyze(Article(text=text, lang="hi", id="hi")).result("framing")
    )
    assert result is not None
    found = {text[f.start : f.end] for f in result.findings if f.start is not None and f.end is not None}
    assert any(name in span for span in found), found  # with or without the title before it
