"""Training of the narratives detector on the SemEval-2025 Task 10 layout (or a user's labelled documents).

Reproduces the committed model: ``narrascope train narratives --data ../shared/datasets``.
With a user taxonomy:
``narrascope train narratives --taxonomy my.yaml --data DIR`` (``DIR`` in the same layout, label strings as in
the taxonomy) writes a model folder that ``NarrativeDetector.from_taxonomy(folder)`` loads.

Recipe: mean+max pooled ``multi`` sentence embeddings, a one-hot of the training languages and the hashed
word unigrams and bigrams of the whole text (``analyze.lexical``, weighted by ``Settings.lexical_weight``);
one joint multi-label logistic regression over every label of the taxonomy plus ``Other`` (balanced class
weights, L2); narrative, ``Other`` and subnarrative thresholds and relative cuts (see ``Rule``) tuned for
samples-F1 on 4-fold out-of-fold predictions. Validated on the by-id split (top 25% of ids per language held
out) and, optionally, leave-one-language-out; then refit on everything. The model itself (``Settings``,
the regression, the out-of-fold probabilities) is in ``train_fit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.heads import LinearHead, pool
from narrascope.analyze.narratives import TAXONOMY_FILE, NarrativeDetector, Rule
from narrascope.analyze.narratives.train_fit import Fit as Fit  # re-exported, as is probabilities
from narrascope.analyze.narratives.train_fit import Settings, fit_linear, lexical_matrix, out_of_fold
from narrascope.analyze.narratives.train_fit import probabilities as probabilities
from narrascope.analyze.narratives.train_fit import select_rows as _rows
from narrascope.datasets.semeval2025 import NarrativeDoc, load_narratives
from narrascope.datasets.split import split_by_id
from narrascope.scoring.semeval2025 import per_document_f1
from narrascope.taxonomy import BUILTIN, Taxonomy, builtin_taxonomy, load_taxonomy
from narrascope.train.harness import first_n, per_language, retrain, terms
from narrascope.train.harness import write_card as card
from narrascope.train.job import TrainJob

Log = Callable[[str], None]
Array = npt.NDArray[np.float32]
Labels = npt.NDArray[np.int_]
TERMS = (
    "Trained on the SemEval-2025 Task 10 training data (bg, en, hi, pt, ru), released for research within "
    "the "
    "shared task and not for redistribution; the weights are a derived model, the data is not included."
)
MODEL_VERSION = "2"  # 2: hashed word n-grams of the whole text beside the pooled embeddings
GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
OTHER_GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)
RELATIVE = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9)


@dataclass
class TrainReport:
    n_train: int
    n_val: int
    validation: dict[str, dict[str, float]] = field(default_factory=dict)
    lolo: dict[str, dict[str, float]] = field(default_factory=dict)
    unknown_labels: dict[str, int] = field(default_factory=dict)
    out: Path | None = None


# -- data ----------------------------------------------------------------------------------------------
def sentence_matrices(docs: Sequence[NarrativeDoc], space: str, log: Log) -> list[Array]:
    from narrascope.extract import prepare
    from narrascope.pipeline import FeatureCache

    cache = FeatureCache(max_items=10)
    out = []
    for k, d in enumerate(docs):
        out.append(cache.encode(space, prepare(d.article).sentence_texts()))
        if (k + 1) % 100 == 0:
            log(f"  encoded {k + 1}/{len(docs)} documents")
    return out


def head_labels(taxonomy: Taxonomy) -> list[str]:
    """The head's columns: every taxonomy label, then the taxonomy's ``other`` label when it has one."""
    return [lab.name for lab in taxonomy.labels] + ([taxonomy.other] if taxonomy.other else [])


def label_matrix(docs: Sequence[NarrativeDoc], taxonomy: Taxonomy) -> tuple[Labels, dict[str, int]]:
    """One column per head label; gold strings the taxonomy does not know are counted, not used."""
    index = {name: j for j, name in enumerate(head_labels(taxonomy))}
    y = np.zeros((len(docs), len(index)), dtype=int)
    unknown: dict[str, int] = {}
    for r, d in enumerate(docs):
        for name in (*d.narratives, *d.subnarratives):
            if name in index:
                y[r, index[name]] = 1
            elif not taxonomy.known(name):
                unknown[name] = unknown.get(name, 0) + 1
    return y, unknown


# -- decisions and scores ------------------------------------------------------------------------------
def doc_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """One document's F1 of its label sets (the official subtask-2 scorer's, over the labels it holds)."""
    return per_document_f1([gold], [pred], {*gold, *pred})[0]


def predict_sets(detector: NarrativeDetector, rows: Array) -> list[tuple[list[str], list[str]]]:
    """(narratives, subnarratives) label strings per document, as ``predict semeval2025-st2`` writes them."""
    tax = detector.taxonomy
    names = [lab.name for lab in tax.labels]
    out = []
    for row in rows:
        d = detector.decide(row)
        if not d.narratives:
            out.append(([tax.other], [tax.other]))
            continue
        subs: list[str] = []
        for i, _ in d.narratives:
            kids = [names[k] for k, _ in d.subnarratives[i]]
            subs += kids or ([tax.other_of(names[i])] if tax.other_child else [])
        out.append(([names[i] for i, _ in d.narratives], subs))
    return out


def samples_f1(
    docs: Sequence[NarrativeDoc], pred: Sequence[tuple[list[str], list[str]]]
) -> tuple[float, float]:
    """Mean per-document F1 of narratives (coarse) and subnarratives (fine): the official subtask-2
    scorer's per-document F1 (``scoring.per_document_f1``) over every label the documents and predictions
    hold. Not over the official class lists as ``score_2025_st2`` has them: those drop the gold labels
    outside them (a few subnarratives of the training data), and a user's taxonomy has labels of its own."""
    if len(docs) != len(pred):
        raise ValueError(f"{len(docs)} documents, {len(pred)} predictions")
    coarse = _mean_f1([d.narratives for d in docs], [p[0] for p in pred])
    fine = _mean_f1([d.subnarratives for d in docs], [p[1] for p in pred])
    return coarse, fine


def _mean_f1(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> float:
    vocabulary = {lab for labels in (*gold, *pred) for lab in labels}
    scores = per_document_f1(gold, pred, vocabulary)
    return float(np.mean(scores)) if scores else 0.0


def _detector(
    taxonomy: Taxonomy,
    coef: Array,
    icpt: Array,
    thresholds: Array,
    rule: Rule,
    settings: Settings,
    lexical: Array | None = None,
) -> NarrativeDetector:
    info: dict[str, Any] = {
        "languages": list(settings.languages),
        "relative": rule.relative,
        "sub_relative": rule.sub_relative,
        "floor": rule.floor,
    }
    head = LinearHead(
        "narratives",
        MODEL_VERSION,
        settings.space,
        head_labels(taxonomy),
        True,
        coef,
        icpt,
        thresholds,
        info,
        lexical,
    )
    return NarrativeDetector("narratives.v1", taxonomy, head)


@dataclass(frozen=True)
class Cuts:
    """The tuned decoding values: narrative, Other and subnarrative thresholds, and the relative cuts."""

    narrative: float = 0.5
    other: float = 0.5
    sub: float = 0.5
    relative: float = 0.0
    sub_relative: float = 0.0


STARTS = (Cuts(), Cuts(narrative=0.3), Cuts(relative=0.7), Cuts(narrative=0.3, relative=0.7))
PASSES = 4


def _apply(taxonomy: Taxonomy, cuts: Cuts, settings: Settings, n_labels: int) -> NarrativeDetector:
    kinds = [lab.parent == "" for lab in taxonomy.labels]
    th = np.array(
        [cuts.narrative if top else cuts.sub for top in kinds] + [cuts.other] * (n_labels - len(kinds)),
        dtype=np.float32,
    )
    zero = np.zeros((n_labels, 1), dtype=np.float32)
    rule = Rule(cuts.relative, cuts.sub_relative, 1.01)
    return _detector(taxonomy, zero, np.zeros(n_labels, np.float32), th, rule, settings)


def tune(taxonomy: Taxonomy, docs: Sequence[NarrativeDoc], oof: Array, settings: Settings) -> Cuts:
    """Coordinate ascent over the decoding values, maximising coarse + fine samples-F1 on ``oof``: from each
    of ``STARTS``, full passes over the axes until one changes nothing (at most ``PASSES``); the best end
    point wins (ties: the earlier start). One path alone ends in one local optimum or another on changes of
    the inputs as small as the encoder's rounding across thread counts."""
    memo: dict[Cuts, float] = {}

    def value(cuts: Cuts) -> float:
        if cuts not in memo:
            c, f = samples_f1(docs, predict_sets(_apply(taxonomy, cuts, settings, oof.shape[1]), oof))
            memo[cuts] = c + f
        return memo[cuts]

    axes = {
        "narrative": GRID,
        "other": OTHER_GRID,
        "relative": RELATIVE,
        "sub": GRID,
        "sub_relative": RELATIVE,
    }
    ends = []
    for start in STARTS:
        cuts = start
        for _ in range(PASSES):
            before = cuts
            for name, grid in axes.items():
                cuts = max((replace(cuts, **{name: v}) for v in grid), key=value)
            if cuts == before:
                break
        ends.append(cuts)
    return max(ends, key=value)


def fit_model(
    taxonomy: Taxonomy,
    docs: Sequence[NarrativeDoc],
    x: Array,
    y: Labels,
    settings: Settings,
    lex: Any = None,
) -> NarrativeDetector:
    fit = fit_linear(x, y, settings.c, lex, settings.lexical_weight)
    cuts = tune(taxonomy, docs, out_of_fold(x, y, settings, lex), settings)
    tuned = _apply(taxonomy, cuts, settings, y.shape[1])
    assert tuned.head is not None
    return _detector(
        taxonomy, fit.coef, fit.intercept, tuned.head.thresholds, tuned.rule, settings, fit.lexical
    )


def document_matrix(docs: Sequence[NarrativeDoc], matrices: Sequence[Array], settings: Settings) -> Array:
    """The head's inputs: pooled sentence embeddings and the language one-hot (as the detector does)."""
    onehot = np.array(
        [[float(d.article.lang == x) for x in settings.languages] for d in docs], dtype=np.float32
    )
    pooled = np.stack([pool(m) for m in matrices])
    return np.hstack([pooled, onehot.reshape(len(docs), len(settings.languages))]).astype(np.float32)


# -- validation ------------------------------------------------------------------------------------------
def evaluate(
    detector: NarrativeDetector, docs: Sequence[NarrativeDoc], x: Array
) -> dict[str, dict[str, float]]:
    """Per language and overall: coarse and fine samples-F1, and those of labelling everything "Other".
    ``x`` holds the dense inputs (``document_matrix``); the n-grams come from the texts, as at run time."""
    preds = []
    if detector.head is not None and len(x):
        lex = detector.lexical_rows([d.article.text for d in docs])
        preds = predict_sets(detector, detector.head.scores(x, lex))
    other = detector.taxonomy.other
    out: dict[str, dict[str, float]] = {}
    for lang, sel in per_language([d.article.lang for d in docs]):
        gold = [docs[i] for i in sel]
        c, f = samples_f1(gold, [preds[i] for i in sel])
        bc, bf = samples_f1(gold, [([other], [other])] * len(sel))
        out[lang or "?"] = {
            "n": len(sel),
            "coarse": round(c, 4),
            "fine": round(f, 4),
            "other_coarse": round(bc, 4),
            "other_fine": round(bf, 4),
        }
    return out


def leave_one_language_out(
    taxonomy: Taxonomy,
    docs: Sequence[NarrativeDoc],
    x: Array,
    y: Labels,
    settings: Settings,
    log: Log,
    lex: Any = None,
) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    langs = np.array([d.article.lang for d in docs])
    for lang in sorted(set(langs)):
        test = langs == lang
        if test.all():
            continue
        train_docs = [d for d, t in zip(docs, test, strict=True) if not t]
        det = fit_model(taxonomy, train_docs, x[~test], y[~test], settings, _rows(lex, ~test))
        out[lang] = evaluate(det, [d for d, t in zip(docs, test, strict=True) if t], x[test])[lang]
        log(f"  leave-one-language-out {lang}: {out[lang]}")
    return out


# -- entry point -----------------------------------------------------------------------------------------
def train_narratives(
    data: Path,
    out: Path | None = None,
    *,
    taxonomy_path: Path | None = None,
    limit: int | None = None,
    lolo: bool = False,
    settings: Settings | None = None,
    log: Log = lambda s: None,
) -> TrainReport:
    """Validate on the by-id split (and leave-one-language-out if ``lolo``), refit on all, save to ``out``."""
    taxonomy = load_taxonomy(taxonomy_path) if taxonomy_path else builtin_taxonomy()
    docs = load_narratives(data, limit=limit)
    settings = settings or Settings()
    if not settings.languages:
        settings = replace(settings, languages=tuple(sorted({d.article.lang for d in docs} - {""})))
    log(
        f"narratives: {len(docs)} labelled documents, taxonomy {taxonomy.name}; encoding ({settings.space!r})"
    )
    x = document_matrix(docs, sentence_matrices(docs, settings.space, log), settings)
    lex = lexical_matrix(docs, settings)
    y, unknown = label_matrix(docs, taxonomy)
    train_ids, _ = split_by_id([d.article.id for d in docs], [d.article.lang for d in docs])
    is_train = np.array([d.article.id in train_ids for d in docs])
    report = TrainReport(int(is_train.sum()), int((~is_train).sum()), unknown_labels=unknown)
    train_docs = [d for d, t in zip(docs, is_train, strict=True) if t]
    det = fit_model(taxonomy, train_docs, x[is_train], y[is_train], settings, _rows(lex, is_train))
    report.validation = evaluate(det, [d for d, t in zip(docs, is_train, strict=True) if not t], x[~is_train])
    for lang, row in report.validation.items():
        log(f"  validation {lang}: {row}")
    if lolo:
        report.lolo = leave_one_language_out(taxonomy, docs, x, y, settings, log, lex)
    final = fit_model(taxonomy, docs, x, y, settings, lex)
    if out is not None:
        save(final, out, report, settings, taxonomy_path, limit)
        report.out = out
    return report


def save(
    det: NarrativeDetector,
    out: Path,
    report: TrainReport,
    settings: Settings,
    taxonomy_path: Path | None,
    limit: int | None,
) -> None:
    assert det.head is not None
    det.head.info = _info(det, report, settings, limit)
    head = det.head.model_folder()
    if taxonomy_path is not None:  # the user's taxonomy, listed and checked with the weights
        head = replace(head, files={**head.files, TAXONOMY_FILE: taxonomy_path})
    else:
        (out / TAXONOMY_FILE).unlink(missing_ok=True)
    head.write(out)
    write_card(out, det.taxonomy, report, settings)


def _info(
    det: NarrativeDetector, report: TrainReport, settings: Settings, limit: int | None
) -> dict[str, Any]:
    tax = det.taxonomy
    return {
        "task": "narratives and subnarratives (SemEval-2025 Task 10 subtask 2 format)",
        "taxonomy": tax.name,
        "taxonomy_sha256": tax.digest,
        "relative": det.rule.relative,
        "sub_relative": det.rule.sub_relative,
        "floor": det.rule.floor,
        "languages": list(settings.languages),
        "training_data": (
            "semeval2025_task10 train, bg en hi pt ru" if tax.name == BUILTIN else "user-labelled documents"
        )
        + first_n(limit, " per language"),
        "validation_split": "per language, the highest 25% of document ids (later collection batches)",
        "validation_metric": "samples-F1 coarse (narratives) / fine (subnarratives)",
        "validation": report.validation,
        "leave_one_language_out": report.lolo,
        "unknown_labels": report.unknown_labels,
        "n_train": report.n_train,
        "n_val": report.n_val,
        "hyperparameters": {
            "C": settings.c,
            "folds": settings.folds,
            "pooling": "mean+max",
            "class_weight": "balanced",
            "lexical_buckets": settings.buckets,
            "lexical_weight": settings.lexical_weight,
        },
        "terms": TERMS if tax.name == BUILTIN else "",
    }


def _table(rows: dict[str, dict[str, float]]) -> str:
    lines = [
        "| language | docs | coarse | fine | all-Other coarse | all-Other fine |",
        "|---|---|---|---|---|---|",
    ]
    for lang, r in rows.items():
        lines.append(
            f"| {lang} | {int(r['n'])} | {r['coarse']:.3f} | {r['fine']:.3f} | "
            f"{r['other_coarse']:.3f} | {r['other_fine']:.3f} |"
        )
    return "\n".join(lines)


def write_card(folder: Path, taxonomy: Taxonomy, report: TrainReport, settings: Settings) -> None:
    lolo = f"\n\n## Leave one language out\n\n{_table(report.lolo)}" if report.lolo else ""
    data_terms = TERMS if taxonomy.name == BUILTIN else "Trained on the user's own labelled documents."
    lexical = (
        f" and the lower-cased word unigrams and bigrams of the whole text, hashed (CRC-32) into "
        f"{settings.buckets} buckets, that block weighted {settings.lexical_weight} and its weights stored "
        f"as int8 codes per label"
        if settings.buckets
        else ""
    )
    lexical_limit = (
        " The n-gram weights know only the words of the training languages: in another language they add "
        "noise (see leave one language out)."
        if settings.buckets
        else ""
    )
    card(
        folder,
        f"# narratives model ({taxonomy.name} taxonomy)\n\n"
        f"Joint multi-label logistic regression over mean+max pooled `{settings.space}` sentence embeddings, "
        f"a one-hot of the training languages{lexical} (C={settings.c}, balanced class weights); decoding "
        f"thresholds tuned for samples-F1 on {settings.folds}-fold out-of-fold predictions. "
        f"Hierarchy-consistent decoding: a "
        f"subnarrative only under a chosen narrative, `<narrative>: Other` when no child fits, `Other` "
        f"when no "
        f"narrative does.\n\n{terms(data_terms)}"
        f"## Validation (samples-F1, by-id split: the top 25% of ids per language; {report.n_train} train / "
        f"{report.n_val} validation documents)\n\n{_table(report.validation)}{lolo}\n\n"
        f"The committed model is then refit on all the training documents. Read these figures as optimistic: "
        f"held-out test documents come from other sources and months.\n\n"
        f"{retrain('narratives')}"
        f"## Limits\nDocument-level; news of 2022-2024 on the Ukraine war and climate change only. "
        f"USE-multilingual "
        f"does not cover bg or hi, so those rely on weakly aligned vectors. Rare subnarratives (fewer "
        f"than two "
        f"training documents) are never predicted.{lexical_limit}\n",
    )


def default_out(taxonomy_path: Path) -> Path:
    """Where a user taxonomy's model goes by default: ``my.yaml`` -> ``my-model/`` beside it."""
    return taxonomy_path.with_name(taxonomy_path.stem + "-model")


def recipe(job: TrainJob) -> TrainReport:
    """``narrascope train narratives``: the built-in taxonomy to its folder, or ``job.taxonomy`` to
    ``job.out`` or beside the taxonomy file."""
    from narrascope.analyze.doclabels import model_dir

    target = job.out or (default_out(job.taxonomy) if job.taxonomy else model_dir("narratives"))
    return train_narratives(job.data, target, taxonomy_path=job.taxonomy, limit=job.limit, log=job.log)
