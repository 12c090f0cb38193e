"""The narratives recipe's model: its hyper-parameters and the joint multi-label logistic regression.

``fit_linear`` fits the dense document inputs and, beside them, the hashed word n-grams of the whole text;
``out_of_fold`` gives the out-of-fold probabilities the decoding values are tuned on (``train``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.heads import dequantize_rows, quantize_rows
from narrascope.analyze.lexical import hashed_ngrams
from narrascope.datasets.semeval2025 import NarrativeDoc
from narrascope.train.harness import Fold, out_of_block, striped

Array = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int_]


@dataclass
class Settings:
    """Hyper-parameters of the recipe."""

    c: float = 1.0
    folds: int = 4
    languages: tuple[str, ...] = ()  # one-hot input columns; () = the languages of the training data
    space: str = "multi"
    # hashed word n-grams of the whole text (0 buckets: none); the block is scaled by ``lexical_weight``,
    # which sets its share of the L2 penalty. By-id validation, en coarse/fine: 0.524/0.474 without,
    # 0.593/0.521 with 2**14 buckets at weight 1.5 (weights 1.5-2 best out-of-fold too; 2**15 and 2**16
    # buckets no better)
    buckets: int = 2**14
    lexical_weight: float = 1.5


@dataclass
class Fit:
    """A fitted head: dense weights, intercepts and the weights over the raw hashed n-grams (or ``None``)."""

    coef: Array
    intercept: Array
    lexical: Array | None = None


def lexical_matrix(docs: Sequence[NarrativeDoc], settings: Settings) -> Any:
    """The hashed n-grams of each whole text (a sparse matrix), as the detector computes them; ``None`` when
    ``settings.buckets`` is 0."""
    return hashed_ngrams([d.article.text for d in docs], settings.buckets) if settings.buckets else None


def fit_linear(x: Array, y: Labels, c: float, lex: Any = None, lexical_weight: float = 1.0) -> Fit:
    """Joint multi-label logistic regression (balanced class weights, L2 penalty ``|W|^2 / 2c``) by L-BFGS
    over the dense ``x`` and, if given, the sparse n-grams ``lex`` scaled by ``lexical_weight``.
    Labels with fewer than two positives get a constant "no".

    The n-gram block is fitted exactly in the span of its training rows: with ``lex = U S V'`` (the
    eigen-decomposition of the rows' Gram matrix), the penalised optimum of the bucket weights lies in the
    row space, so the regression runs on the (documents)-dimensional ``U S`` and the weights map back to the
    buckets. The returned lexical weights apply to the raw (unscaled) n-grams, after the int8 rounding they
    are stored with."""
    if lex is None:
        coef, icpt = _fit_dense(x, y, c)
        return Fit(coef, icpt)
    scaled = lex * lexical_weight
    gram = np.asarray((scaled @ scaled.T).toarray(), dtype=np.float64)
    eig, vecs = np.linalg.eigh(gram)
    keep = eig > 1e-9 * max(float(eig.max()), 1e-30)
    proj = np.asarray(scaled.T @ (vecs[:, keep] / np.sqrt(eig[keep])), dtype=np.float32)  # (buckets, rank)
    z = np.asarray(scaled @ proj, dtype=np.float32)
    coef, icpt = _fit_dense(np.hstack([x, z]).astype(np.float32), y, c)
    lexical = (coef[:, x.shape[1] :] @ proj.T * lexical_weight).astype(np.float32)
    return Fit(coef[:, : x.shape[1]].copy(), icpt, dequantize_rows(*quantize_rows(lexical)))


def _fit_dense(x: Array, y: Labels, c: float) -> tuple[Array, Array]:
    import torch

    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)
    n = float(len(xt))
    w_pos = n / (2 * yt.sum(0).clamp(min=1))
    w_neg = n / (2 * (n - yt.sum(0)).clamp(min=1))
    weight = torch.zeros(y.shape[1], x.shape[1], requires_grad=True)
    bias = torch.zeros(y.shape[1], requires_grad=True)
    opt = torch.optim.LBFGS(
        [weight, bias], lr=1, max_iter=200, history_size=20, line_search_fn="strong_wolfe"
    )

    def closure() -> torch.Tensor:
        opt.zero_grad()
        logits = xt @ weight.T + bias
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, yt, reduction="none")
        total = (loss * (yt * w_pos + (1 - yt) * w_neg)).sum() + (weight**2).sum() / (2 * c)
        total.backward()  # type: ignore[no-untyped-call]
        return total

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small problem: one thread is faster than contended ones
    try:
        opt.step(closure)  # type: ignore[no-untyped-call]
    finally:
        torch.set_num_threads(threads)
    coef, icpt = weight.detach().numpy().copy(), bias.detach().numpy().copy()
    rare = y.sum(axis=0) < 2
    coef[rare], icpt[rare] = 0.0, -10.0
    return coef.astype(np.float32), icpt.astype(np.float32)


def probabilities(fit: Fit, x: Array, lex: Any = None) -> Array:
    z = x @ fit.coef.T + fit.intercept
    if fit.lexical is not None and lex is not None:
        z = z + np.asarray(lex @ fit.lexical.T, dtype=np.float32)
    out: Array = (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)
    return out


def select_rows(lex: Any, sel: npt.NDArray[np.bool_]) -> Any:
    return lex[np.flatnonzero(sel)] if lex is not None else None


def out_of_fold(x: Array, y: Labels, settings: Settings, lex: Any = None) -> Array:
    """The probabilities of each document from the regression fitted without its fold (every
    ``settings.folds``-th document held out in turn)."""

    def predict(fold: Fold) -> Array:
        train, test = fold.train, fold.test
        fit = fit_linear(x[train], y[train], settings.c, select_rows(lex, train), settings.lexical_weight)
        return probabilities(fit, x[test], select_rows(lex, test))

    return out_of_block(striped(len(y), settings.folds), predict, width=(y.shape[1],))
