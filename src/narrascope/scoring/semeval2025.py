"""SemEval-2025 task 10: entity framing (subtask 1) and narrative classification (subtask 2).

Followed: the organisers' ``subtask1_scorer.py`` (the version whose exact match ratio compares the sets of
fine-grained roles only, as shipped in participants' ``data/scorers/`` copies, e.g.
``esacon/ms-nlp-final-project``; an earlier copy compared main role and the fine-role list in order) and
``subtask2_scorer.py`` (copied under ``data/scorers_baselines/`` by participants; its README is
``datasets/semeval2025_task10/README_organizers_scorers.md``).

Quirk kept in both: apart from the exact match ratio, gold and predictions are paired **by position** (the
order of the rows in each file), not by key; the key check only ensures both files hold the same keys. Write
predictions in the gold (mentions) file's order.
"""

from __future__ import annotations

import csv
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from narrascope.scoring._common import (
    Keyed,
    MismatchError,
    PathLike,
    ScoreReport,
    f1_from_counts,
    fail,
    ratio,
    read_lines,
)
from narrascope.scoring._labels import FINE_ROLES_2025, MAIN_ROLES_2025, NARRATIVES_2025, SUBNARRATIVES_2025

K = TypeVar("K", bound=Hashable)
MentionKey = tuple[str, str, str, str]  # (article, mention without '"', start, end) as written
_HEADER = ["article_id", "entity_mention", "start_offset", "end_offset", "main_role", "fine_grained_roles"]


@dataclass(frozen=True)
class Roles:
    """The roles of one entity mention: one main role and its fine-grained roles, in file order."""

    main: str
    fine: tuple[str, ...]


# ---------------------------------------------------------------------------------------------- subtask 1


def _check_st1(gold: Mapping[K, Roles], pred: Mapping[K, Roles]) -> None:
    """The official ``check_file_format``: same size, same keys, then valid predicted roles."""
    if len(gold) != len(pred):
        raise MismatchError("pred", f"gold has {len(gold)} entries, predictions {len(pred)}")
    for key in pred:
        if key not in gold:
            raise MismatchError("pred", f"extra entry {key!r}", key)
    for key in gold:
        if key not in pred:
            raise MismatchError("pred", f"missing entry {key!r}", key)
    for key in gold:
        roles = pred[key]
        if roles.main not in MAIN_ROLES_2025:
            raise MismatchError("pred", f"invalid main role {roles.main!r}", key)
        for role in roles.fine:
            if role not in FINE_ROLES_2025:
                raise MismatchError("pred", f"invalid fine-grained role {role!r}", key)


def _fine_micro(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, float]:
    """Micro P/R/F1 of the fine roles paired by position, as scikit-learn computes them on the official
    binariser's output (``zero_division=1``). Quirk kept: when a single role occurs in both files together,
    scikit-learn sees a one-column (binary) target and the micro figures all become the accuracy of "has the
    role"; with no role at all it fails."""
    labels = {r for roles in [*gold, *pred] for r in roles}
    if not labels:
        raise MismatchError("gold", "no fine-grained role in either file: the official scorer fails")
    if len(labels) == 1:
        (only,) = labels
        acc = ratio(sum((only in g) == (only in p) for g, p in zip(gold, pred, strict=True)), len(gold), 0.0)
        return {"micro-precision": acc, "micro-recall": acc, "micro-F1": acc}
    tp = fp = fn = 0
    for g_roles, p_roles in zip(gold, pred, strict=True):
        g, p = set(g_roles), set(p_roles)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    return {
        "micro-precision": ratio(tp, tp + fp, 1.0),
        "micro-recall": ratio(tp, tp + fn, 1.0),
        "micro-F1": f1_from_counts(tp, fp, fn, 1.0),
    }


def score_2025_st1(gold: Mapping[K, Roles], pred: Mapping[K, Roles]) -> ScoreReport:
    """Entity framing, as ``subtask1_scorer.py``: exact match ratio of the fine-role sets (official, paired by
    key), micro precision/recall/F1 of the fine roles (``zero_division=1``) and main-role accuracy, these
    last paired by position. Keys, values and order must come as the files give them (``read_2025_st1``)."""
    _check_st1(gold, pred)
    exact = sum(set(gold[k].fine) == set(pred[k].fine) for k in gold)
    emr = ratio(exact, len(gold), 0.0)
    micro = _fine_micro([r.fine for r in gold.values()], [r.fine for r in pred.values()])
    main = [g.main == p.main for g, p in zip(gold.values(), pred.values(), strict=True)]
    metrics = {**micro, "main-role accuracy": ratio(sum(main), len(main), 0.0), "EMR": emr}
    lines = [f"{name}={value:.4f}" for name, value in metrics.items()]
    return ScoreReport(emr, "EMR", metrics, lines)


def read_2025_st1(path: PathLike) -> Keyed[MentionKey, Roles]:
    """``file<TAB>entity<TAB>start<TAB>end<TAB>main_role<TAB>fine_role...`` as the official ``read_file``:
    each line stripped and split on TAB, at least 5 fields, an optional header on the first line, ``"``
    removed from the mention, key ``(file, mention, start, end)`` as text; a repeated key is rejected."""
    table: Keyed[MentionKey, Roles] = Keyed()
    for n, line in enumerate(read_lines(path), 1):
        parts = line.strip().split("\t")
        if len(parts) < 5:
            raise fail(path, n, f"expected at least 5 TAB-separated columns, found {len(parts)}")
        if n == 1 and parts == _HEADER:
            continue
        key = (parts[0], parts[1].replace('"', ""), parts[2], parts[3])
        if key in table.values:
            raise fail(path, n, f"duplicate key {key!r}")
        table.put(key, Roles(parts[4], tuple(parts[5:])), n)
    return table


# ---------------------------------------------------------------------------------------------- subtask 2


def per_document_f1(
    gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], classes: Iterable[str]
) -> list[float]:
    """Per-document binary F1 of the one-hot vectors over ``classes`` (labels outside ``classes`` dropped),
    ``zero_division=0``: a document with no gold and no predicted class scores 0. Their mean is the
    subtask-2 samples-F1 (``score_2025_st2`` passes the official class lists)."""
    known = set(classes)
    out = []
    for g_labels, p_labels in zip(gold, pred, strict=False):
        g, p = set(g_labels) & known, set(p_labels) & known
        out.append(f1_from_counts(len(g & p), len(p - g), len(g - p), 0.0))
    return out


@dataclass(frozen=True)
class Narratives:
    """The labels of one document: narratives (coarse) and subnarratives (fine), as written."""

    coarse: tuple[str, ...]
    fine: tuple[str, ...]


def score_2025_st2(gold: Mapping[K, Narratives], pred: Mapping[K, Narratives]) -> ScoreReport:
    """Narrative classification, as ``subtask2_scorer.py``: the mean (and population standard deviation)
    over documents of the per-document F1, for narratives (coarse) and subnarratives (fine); the official
    ranking uses the fine mean. Ids must match exactly (else rejected); documents are paired by position."""
    if not gold:
        raise MismatchError("gold", "no rows")
    common = gold.keys() & pred.keys()
    if 2 * len(common) != len(gold) + len(pred):
        extra = [k for k in pred if k not in gold]
        missing = [k for k in gold if k not in pred]
        if extra:
            raise MismatchError("pred", f"id {extra[0]!r} is not in the gold file", extra[0])
        raise MismatchError("pred", f"id {missing[0]!r} of the gold file has no prediction", missing[0])
    g_docs, p_docs = list(gold.values()), list(pred.values())
    coarse = np.array(
        per_document_f1([d.coarse for d in g_docs], [d.coarse for d in p_docs], NARRATIVES_2025)
    )
    fine = np.array(per_document_f1([d.fine for d in g_docs], [d.fine for d in p_docs], SUBNARRATIVES_2025))
    metrics = {
        "F1@coarse": float(coarse.mean()),
        "F1@coarse sd": float(coarse.std()),
        "F1@fine sd": float(fine.std()),
        "F1@fine": float(fine.mean()),
    }
    lines = [
        f"F1@coarse: {metrics['F1@coarse']:.3f} ({metrics['F1@coarse sd']:.3f})",
        f"F1@fine: {metrics['F1@fine']:.3f} ({metrics['F1@fine sd']:.3f})",
    ]
    return ScoreReport(metrics["F1@fine"], "F1@fine", metrics, lines)


def read_2025_st2(path: PathLike) -> Keyed[str, Narratives]:
    """``file<TAB>narrative;narrative<TAB>subnarrative;subnarrative`` read with ``csv.reader`` (TAB delimiter,
    its default ``"`` quoting) as the official scorer: at least 3 fields per row (a blank line is rejected),
    labels split on ``;`` without stripping; a repeated id keeps its last labels."""
    table: Keyed[str, Narratives] = Keyed()
    reader = csv.reader(read_lines(path), delimiter="\t")
    try:
        for row in reader:
            if len(row) < 3:
                raise fail(path, reader.line_num, f"expected 3 TAB-separated columns, found {len(row)}")
            labels = Narratives(tuple(row[1].split(";")), tuple(row[2].split(";")))
            table.put(row[0], labels, reader.line_num)
    except csv.Error as e:
        raise fail(path, reader.line_num, f"not readable as TSV: {e}") from e
    return table
