"""Experiment, not shipped: static word-piece vectors (model2vec-style) as extra features of the default head.

Each word piece of MiniLM's vocabulary is read alone (``[CLS] piece [SEP]``) by the shipped int8 MiniLM
encoder (``models/encoders/minilm-l6-v2-int8``) and its three output vectors are averaged: a static table of
30,522 vectors. A sentence's static vector is the normalised mean of its pieces' rows. It joins the default
recipe's dense features (``alpha`` times the vector; zeros for sentences outside English) and the default
recipe is fitted as ``narrascope train techniques`` fits it. Two measures, English st3 with the official
scorer:

- ``split``: the by-id validation split, per language, as the README's table;
- ``blocks``: the English articles in four blocks of ids, each held out in turn (trained on all the rest,
  every other language included), the recipe with and without the block, paired.

About 25 minutes on two cores for both. ``--limit N`` takes N articles a language, for a quick check.

    python bench/experiments/techniques_static_pieces.py [--data ../shared/datasets]
        [--measure split|blocks|both]

Measured 2026-11-29. Split: English 0.3952 without the block, 0.4022 with it (all languages 0.4158 /
0.4194); with the block on every language 0.3981. Blocks (English st3 without / alpha 1 / alpha 2):
0.3313 / 0.3325 / 0.3344, 0.3114 / 0.3097 / 0.3206, 0.3860 / 0.3866 / 0.3890, 0.3941 / 0.3872 / 0.3901.
Not kept: the paired changes (+0.001 / -0.002 / +0.001 / -0.007 at alpha 1) are noise.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.datasets.spans import load_st3, read_techniques
from narrascope.datasets.split import split_by_id
from narrascope.encode.minilm import DEFAULT_DIR
from narrascope.train import techniques as T

Matrix = np.ndarray


def static_table(folder: Path) -> tuple[Any, Matrix]:
    """The tokenizer and one vector per word piece: the mean of ``[CLS] piece [SEP]``'s output rows."""
    import onnxruntime as ort
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
    size = tok.get_vocab_size()
    table = np.zeros((size, 384), np.float32)
    for i in range(0, size, 1024):
        ids = np.arange(i, min(size, i + 1024), dtype=np.int64)
        x = np.stack([np.full_like(ids, 101), ids, np.full_like(ids, 102)], axis=1)
        out = session.run(None, {"input_ids": x, "attention_mask": np.ones_like(x)})[0]
        table[i : i + len(ids)] = out.mean(axis=1)
    return tok, table


def static_vectors(e: T.Example, tok: Any, table: Matrix) -> Matrix:
    out = np.zeros((len(e.y), table.shape[1]), np.float32)
    for j, enc in enumerate(tok.encode_batch(e.doc.sentence_texts(), add_special_tokens=False)):
        if enc.ids:
            v = table[enc.ids].mean(axis=0)
            out[j] = v / (np.linalg.norm(v) + 1e-9)
    return out


def with_block(examples: list[T.Example], block: dict[int, Matrix], alpha: float) -> list[T.Example]:
    return [
        dataclasses.replace(e, x=np.hstack([e.x, alpha * block[id(e)]]).astype(np.float32)) for e in examples
    ]


def english_st3(train: list[T.Example], val: list[T.Example], labels: list[str]) -> dict[str, Any]:
    model = T.fit_model(train, labels, T.Hyper(), lambda s: None)
    figures, _ = T.evaluate_docs(lambda e: T.findings_of(model, e), val, labels)
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--measure", choices=("split", "blocks", "both"), default="both")
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    t0 = time.time()
    labels = read_techniques(args.data)
    golds = load_st3(args.data, limit=args.limit)
    examples = T.build_examples(golds, labels, lambda s: None)
    tok, table = static_table(DEFAULT_DIR)
    english = {id(e): static_vectors(e, tok, table) for e in examples if e.doc.lang == "en"}
    every = {id(e): english.get(id(e), static_vectors(e, tok, table)) for e in examples}
    en_only = {id(e): english.get(id(e), np.zeros((len(e.y), table.shape[1]), np.float32)) for e in examples}
    print(f"examples and static table: {time.time() - t0:.0f} s", flush=True)
    if args.measure in ("split", "both"):
        train_ids, _ = split_by_id([g.article.id for g in golds], [g.article.lang for g in golds])
        variants = (("without", en_only, 0.0), ("English", en_only, 1.0), ("every language", every, 1.0))
        for name, block, alpha in variants:
            ex = with_block(examples, block, alpha)
            figures = english_st3(
                [e for e in ex if e.gold.article.id in train_ids],
                [e for e in ex if e.gold.article.id not in train_ids],
                labels,
            )
            lines = "; ".join(f"{k} {v.line()}" for k, v in figures.items())
            print(f"split, block {name}: {lines}", flush=True)
    if args.measure in ("blocks", "both"):
        ordered = sorted((e for e in examples if e.doc.lang == "en"), key=lambda e: e.gold.article.id)
        for b, idx in enumerate(np.array_split(np.arange(len(ordered)), 4)):
            held = {ordered[i].gold.article.id for i in idx}
            for alpha in (0.0, 1.0, 2.0):
                ex = with_block(examples, en_only, alpha)
                figures = english_st3(
                    [e for e in ex if e.gold.article.id not in held],
                    [e for e in ex if e.gold.article.id in held],
                    labels,
                )
                line = figures["en"].line()
                print(f"block {b} ({len(idx)} English articles) alpha {alpha}: {line}", flush=True)


if __name__ == "__main__":
    main()
