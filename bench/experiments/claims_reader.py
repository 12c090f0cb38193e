"""Check-worthiness on the fine-tuned reader: which sentence features the claims head should read.

Usage: python bench/claims_reader.py [--data ../shared/datasets] [--cache .cache/claims] [--limit N]

The CheckThat! 2024 English sentences (training and dev files together) are put back in id order, which
follows the debates, and cut into passages of at most ``PASSAGE`` sentences (a new passage where the ids
jump, i.e. another debate). Each passage is read once by the reader, as an article is at run time, and each
sentence's vector is the mean of its token rows (``reader.runtime.sentence_rows``): a sentence is read in its
context, as in an article. No label is read to build a passage. The ``multi`` vectors and the hashed n-grams
are those of ``claims.v1``.

Compared, each with the recipe of ``train.claims`` (logistic regression, Platt sigmoid and threshold on the
held-out logits of five contiguous blocks of training ids; positive-class F1 per block, then on the dev file
with the head fitted on all training sentences):

- ``multi`` + n-grams (``claims.v1``);
- ``reader`` + n-grams;
- ``multi`` + ``reader`` + n-grams;
- the same with the previous and next sentences' reader vectors (context).

Features are cached under ``--cache`` (ignored folder); a second run only fits heads (about 5 minutes).

Measured 2026-12-06 (blocks mean ± sd / dev): multi 0.694 ± 0.026 / 0.894; reader 0.679 ± 0.027 / 0.895;
multi + reader 0.697 ± 0.025 / 0.898; with context 0.696 ± 0.029 / 0.893. Not kept: inside the spread.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from narrascope.analyze.lexical import BUCKETS, hashed_ngrams
from narrascope.datasets.checkthat import find_split, read_tsv
from narrascope.train.claims import _f1, best_threshold, block_of, calibration_error, encode_texts, platt

ROOT = Path(__file__).resolve().parents[1]
PASSAGE = 24
JUMP = 20


def passages(ids: list[int]) -> list[list[int]]:
    """Row indices (into ``ids``, already sorted) cut into passages."""
    out: list[list[int]] = [[]]
    for i, v in enumerate(ids):
        if out[-1] and (len(out[-1]) >= PASSAGE or v - ids[out[-1][-1]] > JUMP):
            out.append([])
        out[-1].append(i)
    return out


def reader_vectors(texts: list[str], ids: list[int]) -> np.ndarray:
    from narrascope.reader import get_reader
    from narrascope.reader.runtime import sentence_rows
    from narrascope.types import Span

    reader = get_reader()
    out = np.zeros((len(texts), 384), dtype=np.float32)
    t0 = time.time()
    groups = passages(ids)
    for g, rows in enumerate(groups):
        spans, parts, at = [], [], 0
        for i in rows:
            t = texts[i].strip()
            spans.append(Span(at, at + len(t)))
            parts.append(t)
            at += len(t) + 1
        out[rows] = sentence_rows(reader.read(" ".join(parts)), spans)
        if g % 200 == 0:
            print(f"  reader: passage {g}/{len(groups)} ({time.time() - t0:.0f} s)", flush=True)
    return out


def features(data: Path, cache: Path, limit: int | None) -> dict[str, np.ndarray]:
    path = cache / f"features{'-' + str(limit) if limit else ''}.npz"
    if path.is_file():
        return dict(np.load(path, allow_pickle=False))
    train = read_tsv(find_split(data, "train"), labelled=True)[:limit]
    dev = read_tsv(find_split(data, "dev"), labelled=True)[:limit]
    rows = sorted(train + dev, key=lambda r: int(r.id))
    texts = [r.text for r in rows]
    ids = [int(r.id) for r in rows]
    dev_ids = {r.id for r in dev}
    is_dev = np.array([r.id in dev_ids for r in rows])
    print(f"{len(train)} training and {len(dev)} dev sentences", flush=True)
    multi = encode_texts(texts, "multi", print)
    reader = reader_vectors(texts, ids)
    cache.mkdir(parents=True, exist_ok=True)
    out = {
        "ids": np.array(ids),
        "y": np.array([r.positive for r in rows]),
        "dev": is_dev,
        "multi": multi,
        "reader": reader,
        "passage": np.concatenate([[g] * len(p) for g, p in enumerate(passages(ids))]),
        "texts": np.array(texts),
    }
    np.savez(path, **out)
    return out


def neighbours(x: np.ndarray, passage: np.ndarray) -> np.ndarray:
    """Each row's previous and next rows within its passage (zeros at a passage's edge)."""
    prev = np.vstack([np.zeros((1, x.shape[1]), x.dtype), x[:-1]])
    nxt = np.vstack([x[1:], np.zeros((1, x.shape[1]), x.dtype)])
    prev[1:][passage[1:] != passage[:-1]] = 0
    nxt[:-1][passage[:-1] != passage[1:]] = 0
    prev[0] = 0
    nxt[-1] = 0
    return np.hstack([prev, nxt])


def evaluate(name: str, dense: np.ndarray, f: dict[str, np.ndarray], c: float) -> None:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    texts = [str(t) for t in f["texts"]]
    design = sp.hstack([sp.csr_matrix(dense), hashed_ngrams(texts, BUCKETS)]).tocsr()
    tr, dv, y = ~f["dev"], f["dev"], f["y"]
    xt, yt = design[tr], y[tr]
    block = block_of([str(i) for i in f["ids"][tr]], 5)
    logits = np.zeros(len(yt))
    t0 = time.time()
    for b in range(5):
        m = block == b
        logits[m] = LogisticRegression(C=c, max_iter=3000).fit(xt[~m], yt[~m]).decision_function(xt[m])
    a, bb = platt(logits, yt)
    p = 1 / (1 + np.exp(-(a * logits + bb)))
    t = best_threshold(p, yt)
    blocks = [_f1(yt[block == b], p[block == b] >= t) for b in range(5)]
    clf = LogisticRegression(C=c, max_iter=3000).fit(xt, yt)
    pd = 1 / (1 + np.exp(-(a * clf.decision_function(design[dv]) + bb)))
    dev = _f1(y[dv], pd >= t)
    print(
        f"{name:34s} C={c:<5} blocks {np.mean(blocks):.4f} ± {np.std(blocks):.4f} "
        f"[{' '.join(f'{v:.3f}' for v in blocks)}] dev {dev:.4f} (t={t:.2f}, ece "
        f"{calibration_error(p, yt):.3f}) {time.time() - t0:.0f} s",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--cache", type=Path, default=ROOT / ".cache" / "claims")
    ap.add_argument("--limit", type=int)
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()
    f = features(args.data, args.cache, args.limit)
    ctx = neighbours(f["reader"], f["passage"])
    runs = {
        "multi + ngrams (v1)": (f["multi"], 4.0),
        "reader + ngrams": (f["reader"], 4.0),
        "multi + reader + ngrams": (np.hstack([f["multi"], f["reader"]]), 4.0),
        "multi + reader + context + ngrams": (np.hstack([f["multi"], f["reader"], ctx]), 4.0),
    }
    for name, (dense, c) in runs.items():
        if not args.only or any(o in name for o in args.only):
            evaluate(name, dense, f, c)


if __name__ == "__main__":
    main()
