"""The weights of ``techniques-en``'s average: its committed reader averaged with a ridge head.

``narrascope train techniques-en`` ships the even average (reader weight 0.5, fixed before this was first
run); this script shows the other weights. It fits the default recipe's ridge head (all languages, one
multilingual pass plus n-grams) on the training part of the by-id split, less the 48 English articles that
``narrascope train techniques-en`` holds out for its thresholds; scores those 48 and the English validation
articles with it and with the committed reader; then, for each weight ``w`` of the reader, tunes the
thresholds of the average on the 48 and scores the validation articles with the official subtask-3 scorer.
About 4 minutes on two cores.

    python bench/experiments/techniques_blend.py [--data ../shared/datasets]

Measured 2026-11-29, English validation st3 at reader weights 0 / 0.3 / 0.5 / 0.7 / 1: 0.3779 / 0.4257 /
0.4323 / 0.4129 / 0.4215 (the weight 0.5 figure is the shipped model's).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.heads import LinearHead
from narrascope.datasets.spans import load_st3, read_techniques
from narrascope.datasets.split import split_by_id
from narrascope.encode.minilm import MiniLMEncoder
from narrascope.train import techniques as T
from narrascope.train.techniques_en import ENCODER, HEAD, ReaderHyper


def blend_figures(
    data: Path,
    encoders: dict[str, MiniLMEncoder],
    weights: Sequence[float],
    log: Callable[[str], None] = print,
) -> Iterator[tuple[str, float, float]]:
    """``(encoder name, reader weight, English validation st3)`` of the shipped recipe, for each of
    ``encoders`` read with the committed reader head, each article encoded on its own: the ridge head fitted
    on every language's training articles but the 48 threshold ones, thresholds of the average tuned on
    those 48."""
    labels = read_techniques(data)
    golds = load_st3(data)
    train_ids, _ = split_by_id([g.article.id for g in golds], [g.article.lang for g in golds])
    examples = T.build_examples(golds, labels, log)
    english = [e for e in examples if e.doc.lang == "en" and e.gold.article.id in train_ids]
    tune_ids = {e.gold.article.id for e in english[:: ReaderHyper().tune_every]}
    tune = [e for e in english if e.gold.article.id in tune_ids]
    val = [e for e in examples if e.doc.lang == "en" and e.gold.article.id not in train_ids]
    fit = [e for e in examples if e.gold.article.id in train_ids and e.gold.article.id not in tune_ids]
    ridge = T.fit_head(fit, "multi", labels, T.Hyper())
    reader = LinearHead.load(model_dir("techniques-en") / HEAD)
    r = {id(e): ridge.scores(e.x, e.lex) for e in tune + val}
    gold = np.vstack([T.paragraph_gold(e, labels) for e in tune])
    for name, encoder in encoders.items():
        m = {id(e): reader.scores(encoder.encode(e.doc.sentence_texts())) for e in tune + val}
        for w in weights:
            mix = {k: (1 - w) * r[k] + w * m[k] for k in r}
            th = T.tune_thresholds(np.vstack([T.paragraph_scores(e, mix[id(e)]) for e in tune]), gold)
            yield name, w, T.st3_of(val, [mix[id(e)] for e in val], th, labels)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    args = ap.parse_args()
    committed = {"committed": MiniLMEncoder(model_dir("techniques-en") / ENCODER)}
    for _, w, figure in blend_figures(args.data, committed, (0.0, 0.3, 0.5, 0.7, 1.0)):
        print(f"reader weight {w}: English validation st3 {figure}", flush=True)


if __name__ == "__main__":
    main()
