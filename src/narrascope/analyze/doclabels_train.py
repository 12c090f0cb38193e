"""Training of the document-level heads (genre, frames) on the SemEval-2023 Task 3 layout: the recipe both
their specs name, beside ``doclabels`` (the detector they share), as a detector's folder holds its ``train``.

Needs the ``train`` extra (scikit-learn). Reproduces the committed models:
``narrascope train genre --data ../shared/datasets`` (likewise ``frames``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.heads import LinearHead, pool
from narrascope.datasets.semeval2023 import LabelledDoc, load_subtask
from narrascope.datasets.split import split_by_id
from narrascope.extract import prepare
from narrascope.pipeline import READER_SPACE, FeatureCache
from narrascope.reader import get_reader
from narrascope.reader.runtime import sentence_rows
from narrascope.scoring._labels import FRAMES_2023
from narrascope.train.harness import (
    Fold,
    first_n,
    label_cuts,
    out_of_block,
    per_language,
    retrain,
    striped,
    terms,
)
from narrascope.train.harness import write_card as card
from narrascope.train.job import TrainJob

GENRES = ["opinion", "reporting", "satire"]  # the committed model's label order
FRAMES = list(FRAMES_2023)  # the official frame list, as the scorer has it
TERMS = (
    "Trained on the SemEval-2023 Task 3 training data, released for research within the shared task and not "
    "for redistribution; the weights are a derived model, the data is not included."
)
Log = Callable[[str], None]


@dataclass(frozen=True)
class HeadSpec:
    task: str
    subtask: int
    labels: list[str]
    multi_label: bool
    metric: str


SPECS = {
    "genre": HeadSpec("genre", 1, GENRES, False, "macro-F1"),
    "frames": HeadSpec("frames", 2, FRAMES, True, "micro-F1"),
}


@dataclass
class TrainReport:
    task: str
    n_train: int
    n_val: int
    validation: dict[str, float] = field(default_factory=dict)
    out: Path | None = None


_VECTORS: dict[tuple[str, str], npt.NDArray[np.float32]] = {}


def document_vectors(docs: Sequence[LabelledDoc], space: str, log: Log) -> npt.NDArray[np.float32]:
    """Pooled document vectors, memoised per (space, content hash) so genre and frames share one pass."""
    cache = FeatureCache(max_items=10)
    rows = []
    for k, d in enumerate(docs):
        key = (space, d.article.content_hash)
        if key not in _VECTORS:
            doc = prepare(d.article)
            if space == READER_SPACE:  # the reader's sentence vectors, read in the article's context
                sentences = sentence_rows(get_reader().read(doc.text), doc.sentences)
            else:
                sentences = cache.encode(space, doc.sentence_texts())
            _VECTORS[key] = pool(sentences)
        rows.append(_VECTORS[key])
        if (k + 1) % 200 == 0:
            log(f"  encoded {k + 1}/{len(docs)} documents")
    return np.stack(rows)


def label_matrix(docs: Sequence[LabelledDoc], labels: list[str]) -> npt.NDArray[np.int_]:
    index = {lab: i for i, lab in enumerate(labels)}
    y = np.zeros((len(docs), len(labels)), dtype=int)
    for r, d in enumerate(docs):
        for lab in d.labels:
            if lab in index:
                y[r, index[lab]] = 1
    return y


def fit_head(
    spec: HeadSpec, x: npt.NDArray[np.float32], y: npt.NDArray[np.int_], space: str, c: float = 1.0
) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    if not spec.multi_label:
        target = y.argmax(axis=1)
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x, target)
        coef = np.zeros((len(spec.labels), x.shape[1]), dtype=np.float32)
        icpt = np.full(len(spec.labels), -30.0, dtype=np.float32)
        if len(clf.classes_) == 2:  # binary case: sklearn keeps one row
            coef[clf.classes_[1]], icpt[clf.classes_[1]], icpt[clf.classes_[0]] = (
                clf.coef_[0],
                clf.intercept_[0],
                0,
            )
        else:
            coef[clf.classes_], icpt[clf.classes_] = clf.coef_, clf.intercept_
        return LinearHead(
            spec.task,
            "1",
            space,
            spec.labels,
            False,
            coef,
            icpt,
            np.zeros(len(spec.labels), dtype=np.float32),
        )
    coefs, icpts = [], []
    for j in range(y.shape[1]):
        if y[:, j].min() == y[:, j].max():
            coefs.append(np.zeros(x.shape[1]))
            icpts.append(10.0 if y[0, j] else -10.0)
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(x, y[:, j])
        coefs.append(clf.coef_[0])
        icpts.append(float(clf.intercept_[0]))
    thresholds = np.full(y.shape[1], 0.5, dtype=np.float32)
    return LinearHead(
        spec.task,
        "1",
        space,
        spec.labels,
        True,
        np.array(coefs, dtype=np.float32),
        np.array(icpts, dtype=np.float32),
        thresholds,
    )


def tune_thresholds(
    spec: HeadSpec, x: npt.NDArray[np.float32], y: npt.NDArray[np.int_], space: str, c: float, folds: int = 4
) -> npt.NDArray[np.float32]:
    """Per-label cut-offs maximising micro-F1 contribution on out-of-fold predictions of the training part
    (every ``folds``-th document held out in turn)."""

    def scores(fold: Fold) -> npt.NDArray[np.float32]:
        return fit_head(spec, x[fold.train], y[fold.train], space, c).scores(x[fold.test])

    oof = out_of_block(striped(len(y), folds), scores, width=(y.shape[1],))
    return label_cuts(oof, y, np.linspace(0.1, 0.9, 33))


def predict_labels(head: LinearHead, x: npt.NDArray[np.float32]) -> list[list[str]]:
    scores = head.scores(x)
    if not head.multi_label:
        return [[head.labels[int(np.argmax(r))]] for r in scores]
    return [[head.labels[j] for j in range(len(r)) if r[j] >= head.thresholds[j]] for r in scores]


def score(spec: HeadSpec, gold: list[list[str]], pred: list[list[str]]) -> float:
    from narrascope.scoring import score_st1, score_st2

    ids = [str(i) for i in range(len(gold))]
    if spec.multi_label:
        return score_st2(dict(zip(ids, gold, strict=True)), dict(zip(ids, pred, strict=True))).official
    return score_st1(
        dict(zip(ids, [g[0] for g in gold], strict=True)), dict(zip(ids, [p[0] for p in pred], strict=True))
    ).official


def train_head(
    task: str,
    data: Path,
    out: Path | None = None,
    *,
    space: str = "multi",
    c: float = 1.0,
    limit: int | None = None,
    log: Log = lambda s: None,
) -> TrainReport:
    """Fit on the training part of a by-id split, report validation figures per language, refit on all."""
    spec = SPECS[task]
    docs = load_subtask(data, spec.subtask, limit=limit)
    log(f"{task}: {len(docs)} labelled documents; encoding with the {space!r} encoder")
    x = document_vectors(docs, space, log)
    y = label_matrix(docs, spec.labels)
    train_ids, _ = split_by_id([d.article.id for d in docs], [d.article.lang for d in docs])
    is_train = np.array([d.article.id in train_ids for d in docs])
    report = TrainReport(task, int(is_train.sum()), int((~is_train).sum()))
    head = _fit_tuned(spec, x[is_train], y[is_train], space, c)
    report.validation = _validate(spec, head, docs, x, ~is_train)
    for key, value in report.validation.items():
        log(f"  validation {spec.metric} {key}: {value:.4f}")
    final = _fit_tuned(spec, x, y, space, c)
    final.info = _info(spec, report, limit, c)
    if out is not None:
        final.save(out)
        write_card(out, spec, report)
        report.out = out
    return report


def _fit_tuned(
    spec: HeadSpec, x: npt.NDArray[np.float32], y: npt.NDArray[np.int_], space: str, c: float
) -> LinearHead:
    head = fit_head(spec, x, y, space, c)
    if spec.multi_label and len(y) >= 8:
        head.thresholds = tune_thresholds(spec, x, y, space, c)
    return head


def _validate(
    spec: HeadSpec,
    head: LinearHead,
    docs: Sequence[LabelledDoc],
    x: npt.NDArray[np.float32],
    mask: npt.NDArray[np.bool_],
) -> dict[str, float]:
    out: dict[str, float] = {}
    for lang, sel in per_language([d.article.lang for d in docs], mask):
        pred = predict_labels(head, x[sel])
        out[lang] = round(score(spec, [list(docs[i].labels) for i in sel], pred), 4)
    return out


def _info(spec: HeadSpec, report: TrainReport, limit: int | None, c: float) -> dict[str, Any]:
    return {
        "task": f"SemEval-2023 Task 3 subtask {spec.subtask} ({spec.task})",
        "training_data": "semeval2023_task3 train, languages en fr de it pl ru" + first_n(limit, "/lang"),
        "validation_split": "per language, the highest 25% of document ids (later collection batches)",
        "validation_metric": spec.metric,
        "validation": report.validation,
        "n_train": report.n_train,
        "n_val": report.n_val,
        "hyperparameters": {"C": c, "class_weight": "balanced", "pooling": "mean+max"},
        "terms": TERMS,
    }


def write_card(folder: Path, spec: HeadSpec, report: TrainReport) -> None:
    rows = "\n".join(f"| {k} | {v:.4f} |" for k, v in report.validation.items())
    card(
        folder,
        f"# {spec.task} head\n\n"
        f"Linear head over mean+max pooled multilingual sentence embeddings; labels: "
        f"{', '.join(spec.labels)}.\n\n"
        f"{terms(TERMS)}"
        f"## Validation ({spec.metric}, by-id split: the top 25% of ids per language, "
        f"{report.n_train} train / {report.n_val} validation documents)\n\n| language | {spec.metric} |\n"
        f"|---|---|\n{rows}\n\nThe committed model is then refit on all the training documents.\n\n"
        f"{retrain(spec.task)}"
        f"## Limits\nDocument-level only; trained on news of 2020-2022 in six languages; satire is rare in "
        f"the data and the hardest class.\n",
    )


def recipe(job: TrainJob) -> TrainReport:
    """``narrascope train genre`` or ``frames``: the head of the job's task, by default to its own folder."""
    from narrascope.analyze.doclabels import model_dir

    task = job.detector.split(".")[0]
    return train_head(task, job.data, job.out or model_dir(task), limit=job.limit, log=job.log)
