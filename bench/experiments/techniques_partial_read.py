"""Experiment, not shipped: ``techniques-en`` reading only some sentences of an article, to save time.

The committed reader cost about 310 ms for a 4,000-character English article when this was measured (225 ms
since the length-bucketed batches), against the techniques detector's budget of 50 ms, so it could read
at most about a sixth of the sentences (a quarter now). This script ranks each
article's sentences by the committed ridge head's scores (its highest score, its highest uncertainty, or at
random), lets the reader read the top fraction (those sentences get the shipped average of the reader and the
ridge head, the others the ridge head's score alone), tunes the thresholds on the model's 48 threshold
articles under the same policy, and scores the English validation articles with the official subtask-3
scorer. About 3 minutes on two cores.

    python bench/experiments/techniques_partial_read.py [--data ../shared/datasets]

Measured 2026-11-29, English validation st3 at fractions read 0 / 0.1 / 0.15 / 0.2 / 0.3 / 0.5 / 1:
highest score 0.378 / 0.357 / 0.363 / 0.360 / 0.371 / 0.384 / 0.432; highest uncertainty 0.378 / 0.371 /
0.344 / 0.371 / 0.398 / 0.428 / 0.432; at random 0.378 / 0.385 / 0.395 / 0.387 / 0.381 / 0.385 / 0.432.
Not kept: within the budget (about a sixth of the sentences) nothing reaches 0.40; the best, 0.395 when a
random 15% are read, only matches the default detector.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.heads import LinearHead
from narrascope.datasets.spans import load_st3, read_techniques
from narrascope.datasets.split import split_by_id
from narrascope.encode.minilm import MiniLMEncoder
from narrascope.train import techniques as T
from narrascope.train.techniques_en import ENCODER, HEAD, RIDGE, ReaderHyper

FRACTIONS = (0.0, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0)


def partial(ridge: np.ndarray, reader: np.ndarray, fraction: float, rank: str, w: float) -> np.ndarray:
    """Sentence scores when only the top ``fraction`` of sentences by ``rank`` are read."""
    if rank == "highest score":
        priority = ridge.max(axis=1)
    elif rank == "highest uncertainty":
        priority = np.minimum(ridge, 1 - ridge).max(axis=1)
    else:
        priority = np.random.default_rng(0).random(len(ridge))
    read = np.argsort(-priority)[: int(np.ceil(fraction * len(ridge)))]
    out = ridge.copy()
    out[read] = w * reader[read] + (1 - w) * ridge[read]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    args = ap.parse_args()
    labels = read_techniques(args.data)
    golds = load_st3(args.data, langs=("en",))
    train_ids, _ = split_by_id([g.article.id for g in golds], [g.article.lang for g in golds])
    examples = T.build_examples(golds, labels, print)
    hp = ReaderHyper()
    tune = [e for e in examples if e.gold.article.id in train_ids][:: hp.tune_every]
    val = [e for e in examples if e.gold.article.id not in train_ids]
    folder = model_dir("techniques-en")
    encoder = MiniLMEncoder(folder / ENCODER)
    reader, ridge = LinearHead.load(folder / HEAD), LinearHead.load(folder / RIDGE)
    scores = {
        id(e): (ridge.scores(e.x, e.lex), reader.scores(encoder.encode(e.doc.sentence_texts())))
        for e in tune + val
    }
    gold = np.vstack([T.paragraph_gold(e, labels) for e in tune])
    for rank in ("highest score", "highest uncertainty", "random"):
        figures = []
        for fraction in FRACTIONS:
            tuned = [partial(*scores[id(e)], fraction, rank, hp.reader_weight) for e in tune]
            th = T.tune_thresholds(
                np.vstack([T.paragraph_scores(e, s) for e, s in zip(tune, tuned, strict=True)]), gold
            )
            figures.append(
                T.st3_of(
                    val, [partial(*scores[id(e)], fraction, rank, hp.reader_weight) for e in val], th, labels
                )
            )
        print(f"{rank}: English validation st3 at fractions {FRACTIONS}: {figures}", flush=True)


if __name__ == "__main__":
    main()
