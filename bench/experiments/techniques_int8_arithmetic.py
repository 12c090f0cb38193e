"""Experiment, not shipped: ``techniques-en``'s reader with int8 arithmetic instead of float32.

The committed reader stores int8 weights and computes in float32 (``weight-only``), so a sentence's vector
never depends on the sentences batched with it. This script re-quantises the committed encoder with
onnxruntime's dynamic quantisation (``narrascope.encode.export.requantize_dynamic``: int8 matrix products,
activation scales computed per batch) into a temporary folder, then measures:

- quality: the shipped recipe (the reader averaged half and half with the ridge head, thresholds tuned on the
  48 threshold articles, as ``bench/experiments/techniques_blend.py``) with the re-quantised reader, each
  article encoded on its own, English validation st3 with the official scorer;
- speed: the encoder alone over 60 English articles, each article on its own (as the detector must batch
  with per-batch activation scales, for an article's findings not to depend on its batch companions) and 32
  articles at once (as the committed detector batches), for both models; the best of three runs.

About 6 minutes on two cores.

    python bench/experiments/techniques_int8_arithmetic.py [--data ../shared/datasets]

Measured 2026-11-29 (with the length-bucketed batches of ``encode.minilm``): English validation st3 0.4438
(committed: 0.4323), reader alone 0.4156 (0.4215); before the batching change, which moves int8 vectors, the
same script gave 0.4395 and 0.4291. Encoder ms per article (per 4,000 characters): committed, each article
alone 263 (198), 32 articles at once 210 (158); int8 arithmetic 148 (112) and 136 (103). MiniLM cut to one
layer, each article alone: 52 (40), with int8 arithmetic 32 (24); an earlier run gave 37 and 29 per 4,000
characters. Not shipped yet: the int8 activation scales are set per batch, so the detector would batch each
article alone, and its thresholds and figures must then come from a retrain with that batching.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from techniques_blend import blend_figures  # bench/experiments/, beside this script

from narrascope import Article
from narrascope.analyze.doclabels import model_dir
from narrascope.encode import export as ex
from narrascope.encode.minilm import MiniLMEncoder
from narrascope.extract import prepare
from narrascope.train.techniques_en import ENCODER


def requantised(src: Path, out: Path) -> MiniLMEncoder:
    """The committed encoder folder re-quantised for int8 arithmetic in ``out``, loaded."""
    with tempfile.TemporaryDirectory() as tmp:
        ex.requantize_dynamic(src / "model.onnx", out / "model.onnx", Path(tmp))
    (out / "tokenizer.json").write_bytes((src / "tokenizer.json").read_bytes())
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    written = ex.write_manifest(out, None, "weight-only-then-dynamic")
    manifest.update(files=written["files"], quantisation=written["quantisation"])
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return MiniLMEncoder(out)


def cut_to_one_layer(out: Path, scheme: str) -> MiniLMEncoder:
    """The base MiniLM cut to its first layer, exported as the reader is (speed only: not fine-tuned)."""
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(ex.source_dir()))
    bert = AutoModel.from_pretrained(str(ex.source_dir()))
    bert.encoder.layer = bert.encoder.layer[:1]
    bert.config.num_hidden_layers = 1
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bert.save_pretrained(work / "ckpt")
        tok.save_pretrained(work / "ckpt")
        ex.export_fp32(work / "ckpt", work / "fp32.onnx")
        ex.quantize(work / "fp32.onnx", out / "model.onnx", work, scheme)
        ex.write_tokenizer(work / "ckpt", out / "tokenizer.json")
    ex.write_manifest(out, None, scheme)
    return MiniLMEncoder(out, max_length=96)


def speed(encoder: MiniLMEncoder, texts: list[list[str]], chars: int, together: int) -> str:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for k in range(0, len(texts), together):
            encoder.encode([s for doc in texts[k : k + together] for s in doc])
        best = min(best, time.perf_counter() - t0)
    return f"{1000 * best / len(texts):.0f} ms per article ({1000 * best * 4000 / chars:.0f} per 4,000 chars)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--speed-only", action="store_true", help="skip the quality part")
    args = ap.parse_args()
    folder = model_dir("techniques-en")
    committed = MiniLMEncoder(folder / ENCODER)
    with tempfile.TemporaryDirectory() as tmp:
        int8 = requantised(folder / ENCODER, Path(tmp))
        texts_dir = args.data / "semeval2023_task3" / "en" / "train-articles-subtask-3"
        articles = [
            Article(text=p.read_text(encoding="utf-8"), id=p.stem, lang="en")
            for p in sorted(texts_dir.glob("*.txt"))[:60]
        ]
        texts = [prepare(a).sentence_texts() for a in articles]
        chars = sum(len(a.text) for a in articles)
        for name, enc in (("weight-only (committed)", committed), ("int8 arithmetic", int8)):
            for together in (1, 32):
                took = speed(enc, texts, chars, together)
                print(f"{name}, {together} article(s) a call: {took}", flush=True)
        for scheme in ("weight-only", "weight-only-then-dynamic"):
            cut = cut_to_one_layer(Path(tmp) / scheme, scheme)
            print(f"one layer, {scheme}, 1 article a call: {speed(cut, texts, chars, 1)}", flush=True)
        if args.speed_only:
            return

        encoders = {"weight-only (committed)": committed, "int8 arithmetic": int8}
        for name, w, figure in blend_figures(args.data, encoders, (0.5, 1.0), log=lambda s: None):
            print(f"{name}, reader weight {w}: English validation st3 {figure}", flush=True)


if __name__ == "__main__":
    main()
