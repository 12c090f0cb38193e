"""Thresholds and validation figures of a technique tagger, from its token scores (any reader: torch or ONNX).

``score_articles(probs_of, golds)`` prepares each article as the pipeline does and keeps its token scores;
``tune`` sets each technique's seed cut-off for paragraph micro-F1 (the best token of a paragraph against the
paragraph's labels) and one extend ratio for span F1, on the threshold articles; ``validate`` scores the
held-out articles with the official subtask-3 scorer and the span scorer, beside the Loaded_Language
baseline (``train.evaluate_docs``).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.tagging import paragraph_maxima, phrases
from narrascope.analyze.techniques.train import (
    Example,
    LangFigures,
    PerTechnique,
    evaluate_docs,
    paragraph_gold,
    tune_thresholds,
)
from narrascope.datasets.spans import SpanDoc
from narrascope.reader.tokenizer import Tokens, tokenize
from narrascope.types import Finding

Matrix = npt.NDArray[np.float32]
ProbsOf = Callable[[Tokens], Matrix]
EXTEND_RATIOS = (1.0, 0.8, 0.6, 0.45, 0.3)


@dataclass
class Scored:
    example: Example
    tokens: Tokens
    probs: Matrix
    ridge: Matrix | None = None  # the sentence ridge head's scores per token, when it is averaged in

    @property
    def paragraphs(self) -> list[tuple[int, int]]:
        return [(p.start, p.end) for p in self.example.doc.paragraphs]


@dataclass
class Cutoffs:
    seed: npt.NDArray[np.float32]
    extend_ratio: float

    @property
    def extend(self) -> npt.NDArray[np.float32]:
        return (self.seed * self.extend_ratio).astype(np.float32)


def score_articles(probs_of: ProbsOf, golds: Sequence[SpanDoc]) -> list[Scored]:
    from narrascope.extract import prepare

    out = []
    for g in golds:
        doc = prepare(g.article)
        tokens = tokenize(doc.text)
        empty = np.zeros((0, 0), np.float32)
        example = Example(g, doc, "reader", empty, empty, np.zeros(0, np.int_))
        out.append(Scored(example, tokens, probs_of(tokens)))
    return out


def findings_of(s: Scored, labels: Sequence[str], cut: Cutoffs) -> tuple[Finding, ...]:
    found = phrases(s.example.doc.text, s.tokens.offsets, s.probs, labels, cut.seed, cut.extend)
    return tuple(Finding(label=p.label, score=p.score, start=p.start, end=p.end) for p in found)


def tune(scored: Sequence[Scored], labels: Sequence[str]) -> Cutoffs:
    """Seed cut-offs for paragraph micro-F1, then the extend ratio for span F1, on ``scored``."""
    from narrascope.scoring import score_spans

    para = np.vstack([paragraph_maxima(s.tokens.offsets, s.probs, s.paragraphs) for s in scored])
    gold = np.vstack([paragraph_gold(s.example, labels) for s in scored])
    seed = tune_thresholds(para, gold)
    g_spans = {
        s.example.doc.article.id: [
            (x.technique, x.start, x.end) for x in s.example.gold.spans if x.technique in labels
        ]
        for s in scored
    }
    best, best_f1 = 1.0, -1.0
    for ratio in EXTEND_RATIOS:
        cut = Cutoffs(seed, ratio)
        pred = {
            s.example.doc.article.id: [
                (f.label, f.start or 0, f.end or 0) for f in findings_of(s, labels, cut)
            ]
            for s in scored
        }
        f1 = score_spans(g_spans, pred).official
        if f1 > best_f1:
            best, best_f1 = ratio, f1
    return Cutoffs(seed, best)


def validate(
    scored: Sequence[Scored], labels: Sequence[str], cut: Cutoffs
) -> tuple[dict[str, LangFigures], dict[str, PerTechnique]]:
    by_id = {id(s.example): s for s in scored}
    return evaluate_docs(
        lambda e: findings_of(by_id[id(e)], labels, cut), [s.example for s in scored], labels
    )


def load_checkpoint(work: Path, n_labels: int) -> tuple[Any, dict[str, Any]]:
    """(tagger, hyperparameters) from a training folder's last checkpoint."""
    import torch

    from narrascope.analyze.techniques.train_tagger import CHECKPOINT, Tagger

    state = torch.load(work / CHECKPOINT, map_location="cpu", weights_only=False)
    tagger = Tagger(n_labels, int(state["hyper"]["layers"]))
    tagger.module.load_state_dict(state["model"], strict=False)
    tagger.module.eval()
    return tagger, dict(state["hyper"])


def split_golds(golds: Sequence[SpanDoc], work: Path) -> tuple[list[SpanDoc], list[SpanDoc]]:
    """(threshold articles, held-out articles) of a training folder's ``split.json``."""
    split = json.loads((work / "split.json").read_text())
    key = {f"{g.article.lang}/{g.article.id}": g for g in golds}
    return [key[k] for k in split["tune"] if k in key], [key[k] for k in split["held_out"] if k in key]


def main(argv: list[str] | None = None) -> int:
    import torch

    from narrascope.analyze.techniques.train_tagger import token_probs
    from narrascope.datasets.spans import load_st3, read_techniques

    p = argparse.ArgumentParser(description="Validation figures of a training folder's checkpoint")
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    labels = read_techniques(a.data)
    tagger, hyper = load_checkpoint(a.work, len(labels))
    tune_g, held_g = split_golds(load_st3(a.data, limit=a.limit), a.work)
    t0 = time.time()
    tuned = score_articles(lambda t: token_probs(tagger, t), tune_g)
    held = score_articles(lambda t: token_probs(tagger, t), held_g)
    print(f"scored {len(tuned)} + {len(held)} articles in {time.time() - t0:.0f} s", flush=True)
    cut = tune(tuned, labels)
    figures, per_tech = validate(held, labels, cut)
    for lang, fig in figures.items():
        print(f"{lang}: {fig.line()}")
    out = {
        "hyper": hyper,
        "extend_ratio": cut.extend_ratio,
        "seed": dict(zip(labels, cut.seed.round(3).tolist(), strict=True)),
        "validation": {k: vars(v) for k, v in figures.items()},
        "per_technique": {k: vars(v) for k, v in per_tech.items()},
    }
    (a.work / "figures.json").write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
