"""The pieces every training recipe shares: blocks of document ids, the held-out loop, threshold tuning,
mean and sd, and the common parts of a model card.

A recipe validates by holding documents out, never sentences or mentions of a document it trained on:
``id_blocks`` cuts the ids, in natural id order (``EN_9`` before ``EN_10``; ids follow the collection
batches), into contiguous blocks, per language where the recipe asks; ``striped`` and ``key_folds`` deal
rows or documents out in turn (every k-th), as the recipes' out-of-fold threshold tuning does.
``held_out`` gives each block in turn with the mask of the others; ``out_of_block`` fits on the others,
predicts the block and collects the predictions in row order. The by-id split of the validation figures
(the highest 25% of each language's ids) is ``datasets.split.split_by_id``; ``by_id_train`` gives it as a
mask. Each recipe keeps its own rule for where a block ends (``rounding``), so that its figures stay those
its committed model's manifest records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from narrascope.datasets.split import natural_key, split_by_id

Mask = npt.NDArray[np.bool_]
Blocks = npt.NDArray[np.int_]
C = TypeVar("C")
Rounding = Literal["floor", "round"]


# ------------------------------------------------------------------------------------------------- splits


def natural_order(ids: Sequence[str], groups: Sequence[str] | None = None) -> list[int]:
    """The row indices in natural id order; with ``groups`` (languages), group by group in sorted order.
    Equal keys keep their input order."""
    if groups is None:
        return sorted(range(len(ids)), key=lambda i: natural_key(ids[i]))
    return sorted(range(len(ids)), key=lambda i: (groups[i], natural_key(ids[i])))


def block_edges(n: int, blocks: int, rounding: Rounding = "floor") -> list[int]:
    """Where each of ``blocks`` contiguous runs of ``n`` ranked rows starts (and, last, ``n``).
    ``floor``: rank ``r`` is in block ``r * blocks // n``; ``round``: block ``b`` starts at
    ``round(n * b / blocks)`` (Python's rounding, half to even)."""
    if rounding == "floor":
        return [-(-b * n // blocks) for b in range(blocks + 1)]
    return [round(n * b / blocks) for b in range(blocks + 1)]


def id_blocks(
    ids: Sequence[str], blocks: int, groups: Sequence[str] | None = None, rounding: Rounding = "floor"
) -> Blocks:
    """The block (0 .. ``blocks`` - 1) of each row: the rows in natural id order cut into ``blocks``
    contiguous runs, within each group (language) when ``groups`` is given."""
    out = np.zeros(len(ids), dtype=int)
    keys = list(groups) if groups is not None else [""] * len(ids)
    order = natural_order(ids, groups)
    for g in sorted(set(keys)):
        members = [i for i in order if keys[i] == g]
        edges = block_edges(len(members), blocks, rounding)
        for b in range(blocks):
            out[members[edges[b] : edges[b + 1]]] = b
    return out


def striped(n: int, folds: int) -> Blocks:
    """Row ``i`` in fold ``i % folds``: every ``folds``-th row held out in turn."""
    return np.arange(n) % folds


def key_folds(keys: Sequence[str], folds: int) -> Blocks:
    """The fold of each row by its key (its document): the distinct keys in sorted (string) order dealt out
    in turn, so that every row of one document is in one fold."""
    fold_of = {k: i % folds for i, k in enumerate(sorted(set(keys)))}
    return np.array([fold_of[k] for k in keys], dtype=int)


def by_id_train(ids: Sequence[str], groups: Sequence[str] | None = None) -> Mask:
    """The by-id split as a mask over ``ids``: True where a row is trained on (``split_by_id``: per group,
    the highest 25% of ids held out)."""
    train, _ = split_by_id(ids, groups)
    return np.array([i in train for i in ids], dtype=bool)


# ------------------------------------------------------------------------------------------ held-out loop


@dataclass(frozen=True)
class Fold:
    """One block held out: its number, the rows trained on (the other blocks) and the rows it holds."""

    block: int
    train: Mask
    test: Mask


def held_out(block: Blocks, order: Iterable[int] | None = None) -> Iterator[Fold]:
    """Each block in turn (``order``, by default the blocks present, ascending) with the others' rows."""
    for b in order if order is not None else sorted(set(block.tolist())):
        test = block == b
        yield Fold(int(b), ~test, test)


def out_of_block(
    block: Blocks,
    fit_predict: Callable[[Fold], npt.NDArray[Any]],
    width: tuple[int, ...] = (),
    dtype: type[np.generic] = np.float32,
) -> npt.NDArray[Any]:
    """Out-of-block predictions in row order: for each block, ``fit_predict(fold)`` fits on
    ``fold.train`` and returns the predictions of the ``fold.test`` rows (shape ``(rows, *width)``),
    stored as ``dtype``."""
    out = np.zeros((len(block), *width), dtype=dtype)
    for fold in held_out(block):
        out[fold.test] = fit_predict(fold)
    return out


# ------------------------------------------------------------------------------------------- thresholds


def binary_f1(gold: npt.NDArray[Any], pred: Mask) -> float:
    """F1 of the positive class: ``2 tp / (gold positives + predicted positives)``, 0 when both are 0."""
    tp = float(np.sum(gold.astype(bool) & pred))
    den = float(gold.sum() + pred.sum())
    return 2 * tp / den if den else 0.0


def best_cut(
    cuts: Iterable[C], score: Callable[[C], float], *, margin: float = 0.0, prefer: float | None = None
) -> C:
    """The cut-off of ``cuts`` with the highest ``score``: the first one that beats every earlier one by
    more than ``margin``; with ``prefer``, equal scores go to the cut nearest ``prefer`` (then the
    earlier)."""
    values = list(cuts)
    if not values:
        raise ValueError("no cut-off to choose from")
    if prefer is not None:
        target = prefer
        return max(values, key=lambda t: (score(t), -abs(float(t) - target)))  # type: ignore[arg-type]
    best, chosen = float("-inf"), values[0]
    for cut in values:
        value = score(cut)
        if value > best + margin:
            best, chosen = value, cut
    return chosen


def label_cuts(
    scores: npt.NDArray[Any], gold: npt.NDArray[Any], grid: npt.NDArray[Any]
) -> npt.NDArray[np.float32]:
    """Per label (column), the cut-off of ``grid`` with the best positive-class F1 of ``scores >= cut``."""
    best = np.full(gold.shape[1], 0.5, dtype=np.float32)
    for j in range(gold.shape[1]):
        best[j] = best_cut(grid, _f1_at(gold[:, j], scores[:, j]))
    return best


def _f1_at(gold: npt.NDArray[Any], scores: npt.NDArray[Any]) -> Callable[[float], float]:
    """The positive-class F1 of ``scores >= cut``, as a function of the cut."""
    return lambda cut: binary_f1(gold, scores >= cut)


def micro_cuts(scores: npt.NDArray[Any], gold: Mask, passes: int = 3) -> npt.NDArray[np.float32]:
    """Per-label cut-offs maximising micro-F1 over every label together (coordinate ascent over the labels,
    ``passes`` times, from 0.5) on a grid of 0.02 .. 0.9 in steps of 0.02, then 0.95, 0.99, 1.01."""
    grid = np.unique(np.concatenate([np.linspace(0.02, 0.9, 45), [0.95, 0.99, 1.01]])).astype(np.float32)
    n = scores.shape[1]
    # counts[j][g] = (tp, fp, fn) of label j at grid point g
    counts = np.zeros((n, len(grid), 3))
    for j in range(n):
        pred = scores[:, j][:, None] >= grid[None, :]
        g = gold[:, j][:, None]
        counts[j] = np.stack([(pred & g).sum(0), (pred & ~g).sum(0), (~pred & g).sum(0)], axis=1)
    choice = np.full(n, int(np.searchsorted(grid, 0.5)))
    for _ in range(passes):
        for j in range(n):
            rest = sum(counts[k, choice[k]] for k in range(n) if k != j)
            tot = rest[None, :] + counts[j]
            f1 = 2 * tot[:, 0] / np.maximum(2 * tot[:, 0] + tot[:, 1] + tot[:, 2], 1e-9)
            choice[j] = int(np.argmax(f1))
    return np.asarray(grid[choice], dtype=np.float32)


# -------------------------------------------------------------------------------------------- reporting


def mean_sd(values: Sequence[float], digits: int = 4) -> tuple[float | None, float | None]:
    """(mean, population sd) of ``values`` rounded to ``digits``; (None, None) when there are none."""
    if not values:
        return None, None
    return round(float(np.mean(values)), digits), round(float(np.std(values)), digits)


def per_language(langs: Sequence[str], mask: Mask | None = None) -> Iterator[tuple[str, list[int]]]:
    """(language, rows) for each language in sorted order, then ``all``; only the rows of ``mask``, and
    only the languages that keep a row."""
    for lang in [*sorted(set(langs)), "all"]:
        rows = [i for i, g in enumerate(langs) if (mask is None or mask[i]) and (lang == "all" or g == lang)]
        if rows:
            yield lang, rows


# ------------------------------------------------------------------------------------------- model card

DATA = "../shared/datasets"


def first_n(limit: int | None, unit: str) -> str:
    """What a training run on a slice says after its data: `` (first 12/lang)``; empty without a limit."""
    return f" (first {limit}{unit})" if limit else ""


def retrain(name: str, note: str = "") -> str:
    """The model card's retrain section: the command that rebuilds the model from the corpora."""
    return f"## Retrain\n`narrascope train {name} --data {DATA}`{note}\n\n"


def terms(text: str) -> str:
    """The model card's data and terms section."""
    return f"## Data and terms\n{text}\n\n"


def write_card(folder: Path, text: str) -> Path:
    """``folder/MODEL_CARD.md`` written as UTF-8; returns its path."""
    path = folder / "MODEL_CARD.md"
    path.write_text(text, encoding="utf-8")
    return path
