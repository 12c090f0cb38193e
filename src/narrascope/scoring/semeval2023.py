"""SemEval-2023 task 3: genre (subtask 1), framing (subtask 2), techniques by paragraph (subtask 3).

Followed: the organisers' ``scorers/scorer-subtask-1.py``, ``scorer-subtask-2.py`` and ``scorer-subtask-3.py``
(read from the copies in ``yrf1/SemEval23-Task-3-UIUC-Team``). All three reject (never ignore) a prediction
file whose ids differ from the gold ids, in number or in value, and a predicted label outside the official
list; labels outside the list on the gold side are not checked (subtask 1: they become extra classes of the
macro average; subtasks 2 and 3: the binariser fitted on the official list drops them).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from typing import TypeVar

from narrascope.scoring._common import (
    Keyed,
    MismatchError,
    PathLike,
    ScoreReport,
    f1_from_counts,
    fail,
    read_lines,
)
from narrascope.scoring._labels import FRAMES_2023, GENRES_2023, TECHNIQUES_2023

K = TypeVar("K", bound=Hashable)


def check_same_ids(gold: Collection[K], pred: Collection[K]) -> None:
    """The official ``_correct_number_of_examples`` then ``_correct_id_list`` checks."""
    if not gold:
        raise MismatchError("gold", "no rows: the official scorer computes nothing without gold rows")
    if len(pred) != len(gold):
        raise MismatchError(
            "pred", f"the number of predictions ({len(pred)}) is not the expected one ({len(gold)})"
        )
    for key in pred:
        if key not in gold:
            raise MismatchError("pred", f"id {key!r} is not in the gold file", key)
    for key in gold:
        if key not in pred:
            raise MismatchError("pred", f"id {key!r} of the gold file has no prediction", key)


def _check_labels(pred: Mapping[K, Collection[str]], classes: Sequence[str]) -> None:
    for key, labels in pred.items():
        for label in labels:
            if label not in classes:
                raise MismatchError("pred", f"label {label!r} is not valid", key)


def score_2023_st1(gold: Mapping[K, str], pred: Mapping[K, str]) -> ScoreReport:
    """Genre: macro-F1 (official) and micro-F1 (= accuracy), as ``scorer-subtask-1.py``.

    Quirk kept: the macro average runs over the labels that occur in gold or predictions (scikit-learn's
    default), not over the three official classes, with ``zero_division=0``.
    """
    _check_labels({k: [v] for k, v in pred.items()}, GENRES_2023)
    check_same_ids(gold, pred)
    pairs = [(gold[k], pred[k]) for k in gold]
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs})
    per_class = []
    for label in labels:
        tp = sum(g == p == label for g, p in pairs)
        fp = sum(p == label != g for g, p in pairs)
        fn = sum(g == label != p for g, p in pairs)
        per_class.append(f1_from_counts(tp, fp, fn, 0.0))
    macro = sum(per_class) / len(per_class)
    micro = sum(g == p for g, p in pairs) / len(pairs)
    metrics = {"micro-F1": micro, "macro-F1": macro}
    return ScoreReport(macro, "macro-F1", metrics, [f"micro-F1={micro:.5f}", f"macro-F1={macro:.5f}"])


def _multilabel(
    gold: Mapping[K, Collection[str]], pred: Mapping[K, Collection[str]], classes: Sequence[str]
) -> ScoreReport:
    """Micro-F1 (official) and macro-F1 of the label sets binarised over ``classes`` (gold labels outside
    ``classes`` dropped), both with ``zero_division=1``, pairing gold and prediction by id."""
    _check_labels(pred, classes)
    check_same_ids(gold, pred)
    tps = dict.fromkeys(classes, 0)
    fps = dict.fromkeys(classes, 0)
    fns = dict.fromkeys(classes, 0)
    for key, g_labels in gold.items():
        g = set(g_labels) & set(classes)
        p = set(pred[key])
        for c in g & p:
            tps[c] += 1
        for c in p - g:
            fps[c] += 1
        for c in g - p:
            fns[c] += 1
    micro = f1_from_counts(sum(tps.values()), sum(fps.values()), sum(fns.values()), 1.0)
    macro = sum(f1_from_counts(tps[c], fps[c], fns[c], 1.0) for c in classes) / len(classes)
    metrics = {"macro-F1": macro, "micro-F1": micro}
    return ScoreReport(micro, "micro-F1", metrics, [f"macro-F1={macro:.5f}", f"micro-F1={micro:.5f}"])


def score_2023_st2(gold: Mapping[K, Collection[str]], pred: Mapping[K, Collection[str]]) -> ScoreReport:
    """Framing: micro-F1 over the 14 frames (official), and macro-F1, as ``scorer-subtask-2.py``."""
    return _multilabel(gold, pred, FRAMES_2023)


def score_2023_st3(gold: Mapping[K, Collection[str]], pred: Mapping[K, Collection[str]]) -> ScoreReport:
    """Persuasion techniques: micro-F1 over the 23 techniques (official), and macro-F1, over (article,
    paragraph) keys, as ``scorer-subtask-3.py``. A paragraph in gold but missing from the predictions (or the
    reverse) rejects the predictions; an empty label set is a valid row (no technique)."""
    return _multilabel(gold, pred, TECHNIQUES_2023)


def read_2023_st1(path: PathLike) -> Keyed[str, str]:
    """``id<TAB>genre``: every line must split into exactly two TAB-separated fields (the official
    ``dict(line.rstrip().split("\\t"))`` fails otherwise); a repeated id keeps its last value."""
    table: Keyed[str, str] = Keyed()
    for n, line in enumerate(read_lines(path), 1):
        row = line.rstrip().split("\t")
        if len(row) != 2:
            raise fail(path, n, f"expected 2 TAB-separated columns, found {len(row)}")
        table.put(row[0], row[1], n)
    return table


def read_2023_st2(path: PathLike) -> Keyed[str, list[str]]:
    """``id<TAB>frame,frame`` read as the official reader: a line without TAB is rejected; a line ending in
    ``TAB`` + newline has no labels; otherwise the rest, right-stripped, is split on commas (so a TAB at the
    very end of the last line, with no newline, yields the label ``""``, which a prediction may not hold)."""
    table: Keyed[str, list[str]] = Keyed()
    for n, line in enumerate(read_lines(path), 1):
        ind = line.find("\t")
        if ind < 0:
            raise fail(path, n, "no TAB found")
        labels = [] if ind == len(line) - 2 else line[ind + 1 :].rstrip().split(",")
        table.put(line[:ind], labels, n)
    return table


def read_2023_st3(path: PathLike) -> Keyed[tuple[str, str], list[str]]:
    """``id<TAB>paragraph<TAB>tech,tech``: 2 or 3 columns after right-stripping (2, or an empty third
    column, means no technique); keys are ``(id, paragraph)`` as written."""
    table: Keyed[tuple[str, str], list[str]] = Keyed()
    for n, line in enumerate(read_lines(path), 1):
        cols = line.rstrip().split("\t")
        if not 2 <= len(cols) <= 3:
            raise fail(path, n, f"expected 3 TAB-separated columns, found {len(cols)}")
        table.put((cols[0], cols[1]), cols[2].split(",") if len(cols) == 3 else [], n)
    return table
