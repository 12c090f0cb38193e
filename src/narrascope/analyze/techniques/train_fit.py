"""The ``techniques`` recipe's solvers: its hyper-parameters, the ridge regression (dense features alone, or
with the hashed n-grams by conjugate gradients) and the Platt scaling of each technique's score.

``train`` builds the examples and the heads on these; numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.heads import dequantize_rows, quantize_rows
from narrascope.analyze.lexical import BUCKETS

Matrix = npt.NDArray[np.float32]
MAX_SLOPE = 1e4  # bound on the Platt slope: a separable technique must not blow up the float16 weights


@dataclass
class Hyper:
    l2: float = 0.003  # ridge penalty per training sentence on the embedding features
    l2_lexical: float = 0.001  # ... and on the hashed n-grams
    buckets: int = BUCKETS  # hashed n-gram columns; 0 for embeddings alone
    cg_steps: int = 150  # conjugate-gradient steps of the joint ridge solve
    epochs: int = 50  # Newton steps of the Platt scaling
    folds: int = 4


def fit_linear(x: Matrix, y: npt.NDArray[np.float32], hp: Hyper) -> tuple[Matrix, Matrix]:
    """(coef, intercept) per column of ``y``: ridge regression (one solve for every technique), then a
    Platt scaling of each technique's ridge score: ``sigmoid(x @ coef.T + intercept)`` is calibrated."""
    mean = x.mean(axis=0)
    xc = (x - mean).astype(np.float64)
    gram = xc.T @ xc + hp.l2 * len(x) * np.eye(x.shape[1])
    w = np.linalg.solve(gram, xc.T @ (y - y.mean(axis=0)))  # (dim, labels)
    raw = xc @ w + y.mean(axis=0)
    coef = np.zeros((y.shape[1], x.shape[1]), dtype=np.float32)
    icpt = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        a, c = platt(raw[:, j], y[:, j], hp.epochs)
        coef[j] = a * w[:, j]
        icpt[j] = a * (float(y[:, j].mean()) - float(mean @ w[:, j])) + c
    return coef, icpt


def platt(score: npt.NDArray[np.float64], y: npt.NDArray[np.float32], iters: int) -> tuple[float, float]:
    """(a, c) of ``sigmoid(a * score + c)`` fit to ``y`` by Newton steps on the log-loss (lightly damped)."""
    if y.min() == y.max():  # a technique absent (or everywhere) in this space: a constant score
        return 0.0, 10.0 if y.size and y[0] else -10.0
    prior = float(np.clip(y.mean(), 1e-4, 1 - 1e-4))
    a, c = 1.0, float(np.log(prior / (1 - prior)))
    design = np.stack([score, np.ones_like(score)], axis=1)
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(a * score + c, -30, 30)))
        grad = design.T @ (p - y)
        hess = (design * (p * (1 - p))[:, None]).T @ design + 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, c = float(np.clip(a - step[0], 0.0, MAX_SLOPE)), float(np.clip(c - step[1], -30.0, 30.0))
        if float(np.abs(step).max()) < 1e-6:
            break
    return a, c


def fit_joint(x: Matrix, lex: Any, y: npt.NDArray[np.float32], hp: Hyper) -> tuple[Matrix, Matrix, Matrix]:
    """(coef, lexical, intercept): ridge regression over the dense features ``x`` and the sparse n-grams
    ``lex`` together (penalties ``l2`` and ``l2_lexical``; both centred), solved for every technique at once
    by conjugate gradients, then Platt scaling per technique as in ``fit_linear``."""
    xd = x.astype(np.float64)
    md = xd.mean(axis=0)
    xd -= md
    ml = np.asarray(lex.mean(axis=0)).ravel()
    ym = y.mean(axis=0).astype(np.float64)
    yc = y.astype(np.float64) - ym
    n, d = xd.shape

    def apply(w: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        wd, wl = w[:d], w[d:]
        r = xd @ wd + lex @ wl - (ml @ wl)[None, :]
        gl = lex.T @ r - np.outer(ml, r.sum(axis=0))
        return np.vstack([xd.T @ r + hp.l2 * n * wd, gl + hp.l2_lexical * n * wl])

    b = np.vstack([xd.T @ yc, lex.T @ yc - np.outer(ml, yc.sum(axis=0))])
    w = np.zeros_like(b)
    r = b.copy()
    p = r.copy()
    rs = (r * r).sum(axis=0)
    stop = 1e-12 * float((b * b).sum(axis=0).max())
    for _ in range(hp.cg_steps):  # one CG per technique, run side by side as the columns of w
        ap = apply(p)
        alpha = rs / np.maximum((p * ap).sum(axis=0), 1e-30)
        w += p * alpha
        r -= ap * alpha
        rs_new = (r * r).sum(axis=0)
        if float(rs_new.max()) < stop:
            break
        p = r + p * (rs_new / np.maximum(rs, 1e-30))
        rs = rs_new
    wd, wl = w[:d], w[d:]
    raw = xd @ wd + lex @ wl - (ml @ wl)[None, :] + ym
    coef = np.zeros((y.shape[1], d), dtype=np.float32)
    lexical = np.zeros((y.shape[1], lex.shape[1]), dtype=np.float32)
    icpt = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        a, c = platt(raw[:, j], y[:, j], hp.epochs)
        coef[j] = a * wd[:, j]
        lexical[j] = a * wl[:, j]
        icpt[j] = a * (float(ym[j]) - float(md @ wd[:, j]) - float(ml @ wl[:, j])) + c
    # validate what ships: the lexical weights are stored as int8 codes per technique
    return coef, dequantize_rows(*quantize_rows(lexical)), icpt
