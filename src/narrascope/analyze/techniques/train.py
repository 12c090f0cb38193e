"""Training of the ``techniques`` detector on SemEval-2023 Task 3 subtask 3 (spans and paragraph labels).

Reproduces the committed model: ``narrascope train techniques --data ../shared/datasets`` (numpy and
scipy only). Steps: prepare and encode every article in the multilingual ``multi`` space and hash each
sentence's word n-grams; label each sentence with the techniques of the gold spans that overlap it; fit one
multi-label linear head for every language (ridge regression over the embedding context features and the
n-grams, each with its own penalty, solved by conjugate gradients; then Platt scaling per technique);
tune each technique's threshold on out-of-fold paragraph scores for micro-F1; report the by-id validation
split (the top 25% of ids per language: later collection batches) per language with the official
subtask-3 scorer and the technique-aware span F1, beside the most-frequent-technique baseline; then refit
on every article and save. The solvers (``Hyper``, the ridge regressions, Platt scaling) are in
``train_fit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.heads import LinearHead
from narrascope.analyze.lexical import BUCKETS, hashed_ngrams
from narrascope.analyze.techniques import (
    TechniqueModel,
    document_features,
    paragraph_index,
    paragraph_labels,
    sentence_findings,
    space_for,
)
from narrascope.analyze.techniques.train_fit import (
    MAX_SLOPE as MAX_SLOPE,  # re-exported: the solvers stay here too
)
from narrascope.analyze.techniques.train_fit import Hyper, fit_joint, fit_linear
from narrascope.analyze.techniques.train_fit import platt as platt
from narrascope.datasets.spans import SpanDoc, load_st3
from narrascope.train.harness import held_out, micro_cuts, striped
from narrascope.train.job import TrainJob
from narrascope.types import Document, Finding, Span

Log = Callable[[str], None]
Matrix = npt.NDArray[np.float32]
MIN_OVERLAP = (
    8  # characters a gold span must share with a sentence to label it (or the whole span if shorter)
)
NAME, VERSION = "techniques", "2"
TERMS = (
    "Trained on the SemEval-2023 Task 3 subtask-3 training data (six languages), released for research "
    "within the shared task and not for redistribution; the weights are a derived model, the data is not "
    "included."
)


@dataclass
class Example:
    """One prepared, encoded training article: sentence features and sentence labels."""

    gold: SpanDoc
    doc: Document
    space: str
    x: Matrix
    y: npt.NDArray[np.float32]
    para_of: npt.NDArray[np.int_]
    lex: Any = None  # scipy.sparse (sentences, buckets) hashed n-grams, None without a lexical part


@dataclass(frozen=True)
class LangFigures:
    """Validation figures of one language: official st3 micro-F1 and span F1, model and baseline."""

    n_docs: int
    st3: float
    spans: float
    st3_baseline: float
    spans_baseline: float

    def line(self) -> str:
        return (
            f"{self.n_docs} articles, st3 micro-F1 {self.st3:.4f} (baseline {self.st3_baseline:.4f}), "
            f"span F1 {self.spans:.4f} (baseline {self.spans_baseline:.4f})"
        )


@dataclass(frozen=True)
class PerTechnique:
    """Paragraph-level precision, recall and gold support of one technique on validation."""

    precision: float
    recall: float
    support: int


@dataclass
class TechniquesReport:
    n_train: int
    n_val: int
    validation: dict[str, LangFigures] = field(default_factory=dict)
    per_technique: dict[str, PerTechnique] = field(default_factory=dict)
    out: Path | None = None


def line_no(doc: Document, paragraph: Span) -> int:
    """The 1-based line number of a paragraph, counting every line (empty ones too)."""
    return doc.text.count("\n", 0, paragraph.start) + 1


def sentence_labels(doc: Document, gold: SpanDoc, labels: Sequence[str]) -> npt.NDArray[np.float32]:
    index = {lab: j for j, lab in enumerate(labels)}
    y = np.zeros((len(doc.sentences), len(labels)), dtype=np.float32)
    for span in gold.spans:
        j = index.get(span.technique)
        if j is None:
            continue
        need = min(MIN_OVERLAP, span.end - span.start)
        for i, s in enumerate(doc.sentences):
            if min(s.end, span.end) - max(s.start, span.start) >= need:
                y[i, j] = 1.0
    return y


Encode = Callable[[str, Sequence[str]], Matrix]


def build_examples(
    golds: Sequence[SpanDoc],
    labels: Sequence[str],
    log: Log,
    encode: Encode | None = None,
    buckets: int = BUCKETS,
) -> list[Example]:
    """Prepare and encode each article (``encode(space, sentences)``, the shared encoders by default)."""
    from narrascope.extract import prepare

    if encode is None:
        from narrascope.pipeline import FeatureCache

        encode = FeatureCache(max_items=5000).encode
    out: list[Example] = []
    for k, gold in enumerate(golds):
        doc = prepare(gold.article)
        space = space_for(doc.lang)
        sentences = encode(space, doc.sentence_texts())
        out.append(
            Example(
                gold,
                doc,
                space,
                document_features(doc, sentences),
                sentence_labels(doc, gold, labels),
                paragraph_index(doc.sentences, doc.paragraphs),
                hashed_ngrams(doc.sentence_texts(), buckets) if buckets else None,
            )
        )
        if (k + 1) % 100 == 0:
            log(f"  prepared and encoded {k + 1}/{len(golds)} articles")
    return out


def fit_head(examples: Sequence[Example], space: str, labels: list[str], hp: Hyper) -> LinearHead:
    import scipy.sparse as sp

    x = np.vstack([e.x for e in examples])
    y = np.vstack([e.y for e in examples])
    lexical = None
    if hp.buckets and all(e.lex is not None for e in examples):
        coef, lexical, icpt = fit_joint(x, sp.vstack([e.lex for e in examples]).tocsr(), y, hp)
    else:
        coef, icpt = fit_linear(x, y, hp)
    return LinearHead(
        f"{NAME}-{space}",
        VERSION,
        space,
        labels,
        True,
        coef,
        icpt,
        np.full(len(labels), 0.5, dtype=np.float32),
        lexical=lexical,
    )


def paragraph_scores(e: Example, scores: Matrix) -> Matrix:
    """Per paragraph of the example, the highest sentence score of each technique."""
    out = np.zeros((len(e.doc.paragraphs), scores.shape[1]), dtype=np.float32)
    for i, p in enumerate(e.para_of):
        if p >= 0:
            out[p] = np.maximum(out[p], scores[i])
    return out


def paragraph_gold(e: Example, labels: Sequence[str]) -> npt.NDArray[np.bool_]:
    lines = e.gold.line_labels()
    index = {lab: j for j, lab in enumerate(labels)}
    out = np.zeros((len(e.doc.paragraphs), len(labels)), dtype=bool)
    for k, p in enumerate(e.doc.paragraphs):
        for lab in lines.get(line_no(e.doc, p), ()):
            if lab in index:
                out[k, index[lab]] = True
    return out


def tune_thresholds(scores: Matrix, gold: npt.NDArray[np.bool_], passes: int = 3) -> npt.NDArray[np.float32]:
    """Per-technique cut-offs maximising paragraph micro-F1 (coordinate ascent over the techniques)."""
    return micro_cuts(scores, gold, passes)


def oof_thresholds(
    examples: Sequence[Example], space: str, labels: list[str], hp: Hyper
) -> npt.NDArray[np.float32]:
    """Thresholds tuned on out-of-fold paragraph scores of ``examples`` (folds by document)."""
    folds = min(hp.folds, len(examples))
    if folds < 2:
        return np.full(len(labels), 0.5, dtype=np.float32)
    scores, gold = [], []
    for fold in held_out(striped(len(examples), folds)):
        head = fit_head(list(compress(examples, fold.train)), space, labels, hp)
        for e in compress(examples, fold.test):
            scores.append(paragraph_scores(e, head.scores(e.x, e.lex)))
            gold.append(paragraph_gold(e, labels))
    return tune_thresholds(np.vstack(scores), np.vstack(gold))


def fit_model(examples: Sequence[Example], labels: list[str], hp: Hyper, log: Log) -> TechniqueModel:
    heads: dict[str, LinearHead] = {}
    for space in sorted({e.space for e in examples}):
        part = [e for e in examples if e.space == space]
        head = fit_head(part, space, labels, hp)
        head.thresholds = oof_thresholds(part, space, labels, hp)
        heads[space] = head
        log(f"  {space}: {len(part)} articles, {sum(len(e.y) for e in part)} sentences")
    return TechniqueModel(NAME, VERSION, heads)


def train_techniques(
    data: Path,
    out: Path | None = None,
    *,
    limit: int | None = None,
    hp: Hyper | None = None,
    log: Log = lambda s: None,
    encode: Encode | None = None,
) -> TechniquesReport:
    """Fit on the training part of the by-id split, report validation per language, refit on all, save."""
    from narrascope.datasets.spans import read_techniques
    from narrascope.datasets.split import split_by_id

    hp = hp or Hyper()
    labels = read_techniques(data)
    golds = load_st3(data, limit=limit)
    log(f"techniques: {len(golds)} articles; preparing and encoding")
    examples = build_examples(golds, labels, log, encode, hp.buckets)
    train_ids, _ = split_by_id([g.article.id for g in golds], [g.article.lang for g in golds])
    train = [e for e in examples if e.gold.article.id in train_ids]
    val = [e for e in examples if e.gold.article.id not in train_ids]
    report = TechniquesReport(len(train), len(val))
    model = fit_model(train, labels, hp, log)
    report.validation, report.per_technique = evaluate_docs(lambda e: findings_of(model, e), val, labels)
    for lang, fig in report.validation.items():
        log(f"  validation {lang}: {fig.line()}")
    final = fit_model(examples, labels, hp, log)
    if out is not None:
        final.save(out, _info(report, limit, hp))
        write_card(out, report, labels)
        report.out = out
    return report


# ------------------------------------------------------------------------------------------- validation

Keyed = dict[tuple[str, str], list[str]]
Spans = dict[str, list[tuple[str, int, int]]]


def line_rows(e: Example, per_paragraph: Sequence[Sequence[str]]) -> Keyed:
    """(id, line number) -> techniques, one key per non-empty line, as the official st3 files."""
    return {
        (e.doc.article.id, str(line_no(e.doc, p))): list(labs)
        for p, labs in zip(e.doc.paragraphs, per_paragraph, strict=True)
    }


def st3_of(
    examples: Sequence[Example],
    scores: Sequence[Matrix],
    thresholds: npt.NDArray[np.float32],
    labels: Sequence[str],
) -> float:
    """Official subtask-3 micro-F1 of given sentence ``scores`` (one matrix per example) at ``thresholds``."""
    from narrascope.scoring import score_st3

    gold: Keyed = {}
    pred: Keyed = {}
    for e, s in zip(examples, scores, strict=True):
        ps, pg = paragraph_scores(e, s), paragraph_gold(e, labels)
        gold.update(line_rows(e, [[labels[int(j)] for j in np.flatnonzero(row)] for row in pg]))
        pred.update(line_rows(e, [[labels[int(j)] for j in np.flatnonzero(row >= thresholds)] for row in ps]))
    return round(score_st3(gold, pred).official, 4)


def findings_of(model: TechniqueModel, e: Example) -> tuple[Finding, ...]:
    head = model.heads[e.space]
    return sentence_findings(e.doc, head.scores(e.x, e.lex), head.labels, head.thresholds)


def evaluate_docs(
    findings: Callable[[Example], tuple[Finding, ...]],
    examples: Sequence[Example],
    labels: Sequence[str],
    baseline: str = "Loaded_Language",
) -> tuple[dict[str, LangFigures], dict[str, PerTechnique]]:
    """Per language and overall: official st3 micro-F1 and span F1 of the model's ``findings`` and of the
    baseline (``baseline`` on every paragraph); and paragraph-level P/R per technique over all languages."""
    from narrascope.scoring import score_spans, score_st3

    figures: dict[str, LangFigures] = {}
    per_tech: dict[str, PerTechnique] = {}
    langs = sorted({e.doc.lang for e in examples})
    found = {e.doc.article.id: findings(e) for e in examples}
    for lang in [*langs, "all"]:
        part = [e for e in examples if lang in ("all", e.doc.lang)]
        if not part:
            continue
        gold: Keyed = {}
        pred: Keyed = {}
        base: Keyed = {}
        g_spans: Spans = {}
        p_spans: Spans = {}
        b_spans: Spans = {}
        for e in part:
            lines = e.gold.line_labels()
            gold.update(line_rows(e, [lines.get(line_no(e.doc, p), ()) for p in e.doc.paragraphs]))
            pred.update(line_rows(e, paragraph_labels(e.doc, found[e.doc.article.id])))
            base.update(line_rows(e, [[baseline] for _ in e.doc.paragraphs]))
            doc_id = e.doc.article.id
            g_spans[doc_id] = [(s.technique, s.start, s.end) for s in e.gold.spans if s.technique in labels]
            p_spans[doc_id] = [(f.label, f.start or 0, f.end or 0) for f in found[doc_id]]
            b_spans[doc_id] = [(baseline, p.start, p.end) for p in e.doc.paragraphs]
        figures[lang] = LangFigures(
            len(part),
            round(score_st3(gold, pred).official, 4),
            round(score_spans(g_spans, p_spans).official, 4),
            round(score_st3(gold, base).official, 4),
            round(score_spans(g_spans, b_spans).official, 4),
        )
        if lang == "all":
            per_tech = _per_technique(gold, pred, labels)
    return figures, per_tech


def _per_technique(gold: Keyed, pred: Keyed, labels: Sequence[str]) -> dict[str, PerTechnique]:
    out: dict[str, PerTechnique] = {}
    for lab in labels:
        g = {k for k, v in gold.items() if lab in v}
        p = {k for k, v in pred.items() if lab in v}
        out[lab] = PerTechnique(
            round(len(g & p) / len(p), 3) if p else 0.0, round(len(g & p) / len(g), 3) if g else 0.0, len(g)
        )
    return out


# ------------------------------------------------------------------------------------------- model card


def _info(report: TechniquesReport, limit: int | None, hp: Hyper) -> dict[str, object]:
    return {
        "task": "SemEval-2023 Task 3 subtask 3 (persuasion techniques), sentence-level heads",
        "training_data": "semeval2023_task3 train (subtask 3 spans and paragraph labels), en fr de it pl ru"
        + (f" (first {limit} articles per language)" if limit else ""),
        "validation_split": "per language, the highest 25% of article ids (later collection batches)",
        "validation": {k: vars(v) for k, v in report.validation.items()},
        "n_train": report.n_train,
        "n_val": report.n_val,
        "hyperparameters": {
            "ridge_l2_per_sentence": hp.l2,
            "ridge_l2_lexical": hp.l2_lexical,
            "lexical_buckets": hp.buckets,
            "cg_steps": hp.cg_steps,
            "platt_newton_steps": hp.epochs,
            "folds": hp.folds,
            "min_overlap_chars": MIN_OVERLAP,
            "features": "multi: sentence + paragraph mean + neighbours mean; hashed word 1-2 grams",
        },
        "terms": TERMS,
    }


def card_tables(
    validation: dict[str, LangFigures], per_technique: dict[str, PerTechnique]
) -> tuple[str, str, list[str]]:
    """The model card's rows: per language, per technique, and the techniques not detected in practice."""
    langs = "\n".join(
        f"| {k} | {v.n_docs} | {v.st3:.4f} | {v.st3_baseline:.4f} | {v.spans:.4f} | {v.spans_baseline:.4f} |"
        for k, v in validation.items()
    )
    techs = "\n".join(
        f"| {lab} | {t.precision:.3f} | {t.recall:.3f} | {t.support} |" for lab, t in per_technique.items()
    )
    weak = [lab for lab, t in per_technique.items() if t.recall < 0.05 or t.precision < 0.05]
    return langs, techs, weak


def write_card(folder: Path, report: TechniquesReport, labels: Sequence[str]) -> None:
    langs, techs, weak = card_tables(report.validation, report.per_technique)
    (folder / "MODEL_CARD.md").write_text(
        f"# techniques (v{VERSION})\n\nSentence-level detector of the 23 SemEval-2023 persuasion techniques: "
        "one multi-label linear head for every language over (a) the sentence's embedding in the shared "
        "multilingual `multi` space, its paragraph's mean and its neighbours' mean, and (b) the sentence's "
        f"hashed word unigrams and bigrams ({BUCKETS:,} CRC-32 buckets, weights stored as int8 per "
        "technique); ridge regression over both with separate penalties, Platt-scaled per technique; a "
        "per-technique threshold tuned on out-of-fold paragraph scores for micro-F1. English needs no "
        "second encoder: the detector reads the encoder pass the other detectors share. Each finding "
        "spans a whole sentence; paragraph labels are the techniques of the spans that overlap it.\n\n"
        f"## Data and terms\n{TERMS}\n\n"
        f"## Validation (by-id split: the top 25% of ids per language, {report.n_train} train / "
        f"{report.n_val} validation articles)\n\nst3 = official subtask-3 paragraph micro-F1; span F1 = "
        "technique-aware partial-overlap span F1 (`spans` scorer); baseline = Loaded_Language on every "
        "paragraph.\n\n| language | articles | st3 micro-F1 | st3 baseline | span F1 | span baseline |\n"
        f"|---|---|---|---|---|---|\n{langs}\n\n"
        "### Per technique (paragraph level, all validation languages)\n\n| technique | precision | recall | "
        f"gold paragraphs |\n|---|---|---|---|\n{techs}\n\n"
        "The committed model is then refit on every training article (thresholds re-tuned out of fold).\n\n"
        "## Limits\n- Spans are whole sentences: the exact phrase is not located, so span precision is low.\n"
        f"- Not detected in practice (validation precision or recall < 0.05): {', '.join(weak) or 'none'}."
        "\n- Trained on news of 2015-2022; languages other than the six seen rely on the multilingual "
        "encoder alone.\n\n## Retrain\n`narrascope train techniques --data ../shared/datasets`\n"
    )


def recipe(job: TrainJob) -> TechniquesReport:
    """``narrascope train techniques.v1``: the sentence ridge over the multilingual features, by default to
    the folder ``techniques.v1`` reads."""
    from narrascope.analyze.doclabels import model_dir

    return train_techniques(job.data, job.out or model_dir("techniques"), limit=job.limit, log=job.log)
