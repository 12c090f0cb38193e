"""Training of the check-worthiness head (``claims``) on CheckThat! 2024 Task 1 English.

Needs the ``train`` extra (scikit-learn). Reproduces the committed model:
``narrascope train claims --data ../shared/datasets``.

Recipe: logistic regression over each sentence's ``multi`` vector and its hashed word n-grams. Validation:
the training sentences in id order cut into ``blocks`` contiguous blocks (ids follow the debates), each held
out in turn; the held-out logits fit a Platt sigmoid (folded into the head's weights, so the committed
scores are calibrated) and the decision threshold (best positive-class F1 on them). The dev file is never
trained on: it is scored with the committed head as saved (weights quantised), with the official scorer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.claims import LABEL
from narrascope.analyze.heads import LinearHead
from narrascope.analyze.lexical import BUCKETS, hashed_ngrams
from narrascope.datasets.checkthat import CheckworthySentence, find_split, read_tsv
from narrascope.scoring.checkthat import score_checkthat
from narrascope.train.harness import (
    Fold,
    best_cut,
    binary_f1,
    held_out,
    id_blocks,
    mean_sd,
    out_of_block,
    retrain,
    terms,
)
from narrascope.train.harness import write_card as card
from narrascope.train.job import TrainJob
from narrascope.types import InputError

Log = Callable[[str], None]
Matrix = npt.NDArray[np.float32]
SPACE = "multi"
TERMS = (
    "Trained on the CLEF CheckThat! Lab 2024 Task 1 English training data (sentences of US political "
    "debates and speeches), released for research within the shared task; no licence text accompanies the "
    "copy used, so treat it as not for redistribution. The weights are a derived model; the data is not "
    "included."
)


@dataclass
class ClaimsReport:
    """Figures of one training run (positive-class F1 unless named otherwise)."""

    n_train: int
    n_dev: int
    blocks: list[float] = field(default_factory=list)
    blocks_baseline: list[float] = field(default_factory=list)
    dev: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.5
    platt: tuple[float, float] = (1.0, 0.0)
    out: Path | None = None

    def figures(self) -> dict[str, Any]:
        mean, sd = mean_sd(self.blocks)
        return {
            "blocks_f1": [round(v, 4) for v in self.blocks],
            "blocks_f1_mean": mean,
            "blocks_f1_sd": sd,
            "blocks_always_yes_f1_mean": mean_sd(self.blocks_baseline)[0],
            "dev": {k: round(v, 4) for k, v in self.dev.items()},
        }


def encode_texts(texts: Sequence[str], space: str, log: Log, chunk: int = 4000) -> Matrix:
    from narrascope.encode import get_encoder

    encoder = get_encoder(space)
    parts = []
    for start in range(0, len(texts), chunk):
        parts.append(encoder.encode(list(texts[start : start + chunk])))
        log(f"  encoded {min(start + chunk, len(texts))}/{len(texts)} sentences")
    return np.vstack(parts).astype(np.float32) if parts else np.zeros((0, encoder.dim), np.float32)


def _design(x: Matrix, texts: Sequence[str], buckets: int) -> Any:
    import scipy.sparse as sp

    return sp.hstack([sp.csr_matrix(x), hashed_ngrams(texts, buckets)]).tocsr()


def _fit(design: Any, y: npt.NDArray[np.bool_], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000).fit(design, y)


def block_of(ids: Sequence[str], blocks: int) -> npt.NDArray[np.int_]:
    """The block of each row: rows in natural id order, cut into ``blocks`` contiguous runs."""
    return id_blocks(ids, blocks)


def platt(logits: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> tuple[float, float]:
    """(a, b) of ``p = sigmoid(a * logit + b)`` fitted on held-out logits."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=1e6, max_iter=1000).fit(logits.reshape(-1, 1), y)
    return float(clf.coef_[0, 0]), float(clf.intercept_[0])


def best_threshold(p: npt.NDArray[np.float64], y: npt.NDArray[np.bool_]) -> float:
    """The cut-off of 0.05 .. 0.95 (steps of 0.01) with the best positive-class F1 (ties: nearest 0.5)."""
    grid = np.round(np.arange(0.05, 0.951, 0.01), 2)
    return float(best_cut(grid, lambda t: _f1(y, p >= t), prefer=0.5))


_f1 = binary_f1  # the positive-class F1, under the name the bench scripts import


def calibration_error(p: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], bins: int = 10) -> float:
    """Expected calibration error: the mean |share positive - mean score| over equal-width score bins,
    weighted by the bins' sizes."""
    edges = np.minimum((p * bins).astype(int), bins - 1)
    err = 0.0
    for b in range(bins):
        m = edges == b
        if m.any():
            err += float(m.sum()) / len(p) * abs(float(y[m].mean()) - float(p[m].mean()))
    return err


def _sigmoid(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))
    return out


def _held_out(
    design: Any, y: npt.NDArray[np.bool_], blocks: npt.NDArray[np.int_], c: float, log: Log
) -> npt.NDArray[np.float64]:
    def logits(fold: Fold) -> npt.NDArray[np.float64]:
        if len(set(y[fold.train].tolist())) < 2:
            raise InputError("training data", f"block {fold.block}: the other blocks hold one class only")
        out: npt.NDArray[np.float64] = _fit(design[fold.train], y[fold.train], c).decision_function(
            design[fold.test]
        )
        log(f"  block {fold.block + 1}: held-out logits for {int(fold.test.sum())} sentences")
        return out

    return out_of_block(blocks, logits, dtype=np.float64)


def train_claims(
    data: Path,
    out: Path | None = None,
    *,
    space: str = SPACE,
    c: float = 4.0,
    blocks: int = 5,
    buckets: int = BUCKETS,
    limit: int | None = None,
    log: Log = lambda s: None,
) -> ClaimsReport:
    """Validate on held-out blocks, fit the calibrated head on all training sentences, score the dev file."""
    train = read_tsv(find_split(data, "train"), labelled=True)[:limit]
    dev = read_tsv(find_split(data, "dev"), labelled=True)[:limit]
    log(f"claims: {len(train)} training and {len(dev)} dev sentences; encoding with the {space!r} encoder")
    y = np.array([r.positive for r in train])
    if len(set(y.tolist())) < 2:
        raise InputError(str(data), "the training sentences hold one class only")
    texts = [r.text for r in train]
    x = encode_texts(texts, space, log)
    design = _design(x, texts, buckets)
    block = block_of([r.id for r in train], blocks)
    logits = _held_out(design, y, block, c, log)
    report = ClaimsReport(len(train), len(dev))
    report.platt = platt(logits, y)
    p = _sigmoid(report.platt[0] * logits + report.platt[1])
    report.threshold = best_threshold(p, y)
    for fold in held_out(block):
        m = fold.test
        report.blocks.append(_f1(y[m], p[m] >= report.threshold))
        report.blocks_baseline.append(_f1(y[m], np.ones(int(m.sum()), dtype=bool)))
    log(f"  blocks F1 {np.mean(report.blocks):.4f} ± {np.std(report.blocks):.4f} at {report.threshold:.2f}")
    head = _as_committed(_final_head(design, x.shape[1], y, c, space, report))
    report.dev = _dev_figures(head, dev, space, log)
    if out is not None:
        head.info = _info(report, limit, c, blocks, ece=calibration_error(p, y))
        head.save(out)
        write_card(out, report, head.info)
        report.out = out
    return report


def _final_head(
    design: Any, dim: int, y: npt.NDArray[np.bool_], c: float, space: str, report: ClaimsReport
) -> LinearHead:
    """The head fitted on every training sentence, with the Platt sigmoid folded into its weights."""
    clf = _fit(design, y, c)
    a, b = report.platt
    w = clf.coef_[0] * a
    return LinearHead(
        "claims",
        "1",
        space,
        [LABEL],
        True,
        w[None, :dim].astype(np.float32),
        np.array([a * clf.intercept_[0] + b], dtype=np.float32),
        np.array([report.threshold], dtype=np.float32),
        lexical=w[None, dim:].astype(np.float32),
    )


def _as_committed(head: LinearHead) -> LinearHead:
    """The head as its saved files give it back (float16 weights, int8 n-gram weights)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        head.save(Path(tmp))
        return LinearHead.load(Path(tmp))


def _dev_figures(
    head: LinearHead, dev: Sequence[CheckworthySentence], space: str, log: Log
) -> dict[str, float]:
    """The official scorer's figures on the dev file, at the threshold and at 0.5, beside always-Yes."""
    if not dev:
        return {}
    texts = [r.text for r in dev]
    lex = hashed_ngrams(texts, head.lexical.shape[1]) if head.lexical is not None else None
    p = head.scores(encode_texts(texts, space, log), lex)[:, 0].astype(np.float64)
    gold = {r.id: r.label for r in dev}

    def f1_at(t: float) -> dict[str, float]:
        return score_checkthat(
            gold, {r.id: "Yes" if s >= t else "No" for r, s in zip(dev, p, strict=True)}
        ).metrics

    at = f1_at(float(head.thresholds[0]))
    y = np.array([r.positive for r in dev])
    out = {
        "F1": at["F1"],
        "precision": at["precision"],
        "recall": at["recall"],
        "accuracy": at["accuracy"],
        "F1_at_0.5": f1_at(0.5)["F1"],
        "always_yes_F1": score_checkthat(gold, dict.fromkeys(gold, "Yes")).official,
        "calibration_error": calibration_error(p, y),
    }
    log(
        f"  dev F1 {out['F1']:.4f} (always Yes {out['always_yes_F1']:.4f}), "
        f"calibration error {out['calibration_error']:.4f}"
    )
    return out


def _info(report: ClaimsReport, limit: int | None, c: float, blocks: int, ece: float) -> dict[str, Any]:
    figures = report.figures()
    figures["blocks_calibration_error"] = round(ece, 4)
    return {
        "task": "CheckThat! 2024 Task 1 check-worthiness (English)",
        "training_data": "checkthat2024_task1_checkworthiness_en CT24_checkworthy_english_train.tsv"
        + (f" (first {limit} rows)" if limit else ""),
        "training_languages": ["en"],
        "validation_split": f"the training sentences in id order cut into {blocks} contiguous blocks, each "
        "held out in turn; and the dev file (never trained on)",
        "validation_metric": "F1 of the positive class (Yes)",
        "validation": figures,
        "n_train": report.n_train,
        "n_dev": report.n_dev,
        "threshold": report.threshold,
        "calibration": {
            "method": "Platt, on the held-out blocks' logits",
            "a": report.platt[0],
            "b": report.platt[1],
        },
        "hyperparameters": {"C": c, "features": "multi sentence vector + hashed word 1-2-grams"},
        "terms": TERMS,
    }


def write_card(folder: Path, report: ClaimsReport, info: dict[str, Any]) -> None:
    f = report.figures()
    dev = f["dev"]
    blocks = ", ".join(f"{v:.3f}" for v in f["blocks_f1"])
    card(
        folder,
        "# claims head (check-worthiness)\n\n"
        "Logistic head over a sentence's multilingual USE vector (`multi`, the shared encoder pass) and its "
        "hashed word unigrams and bigrams; one label, `check-worthy`, with a Platt-calibrated score.\n\n"
        f"{terms(TERMS)}"
        f"## Validation (F1 of the positive class)\n\n"
        f"- {len(f['blocks_f1'])} contiguous blocks of the training sentences held out in turn: "
        f"{blocks} (mean {f['blocks_f1_mean']}, sd {f['blocks_f1_sd']}; always Yes "
        f"{f['blocks_always_yes_f1_mean']}); calibration error "
        f"{info['validation']['blocks_calibration_error']}\n"
        f"- dev file ({report.n_dev} sentences, never trained on): F1 {dev.get('F1')}, precision "
        f"{dev.get('precision')}, recall {dev.get('recall')} at the threshold {report.threshold:.2f}; "
        f"F1 {dev.get('F1_at_0.5')} at 0.5; always Yes {dev.get('always_yes_F1')}; calibration error "
        f"{dev.get('calibration_error')}\n\n"
        "The committed head is fitted on all the training sentences.\n\n"
        f"{retrain('claims')}"
        "## Limits\nTrained on English transcripts of US political debates and speeches; news "
        "prose, other topics and other languages are outside that. Other languages are scored through the "
        "multilingual vectors, but the n-gram half of the features is English, and findings say so. A score "
        "is the share of similar training sentences labelled check-worthy, not a verdict on truth.\n",
    )


def recipe(job: TrainJob) -> ClaimsReport:
    """``narrascope train claims``, by default to its built-in folder."""
    from narrascope.analyze.doclabels import model_dir

    return train_claims(job.data, job.out or model_dir("claims"), limit=job.limit, log=job.log)
