"""SemEval-2020 task 11 (propaganda techniques corpus): span identification (SI) and technique labels (TC).

Followed: Da San Martino's ``propaganda-techniques-scorer`` as distributed with the task,
``tools/task-SI_scorer.py`` and ``tools/task-TC_scorer.py`` with ``tools/src/annotations.py``,
``article_annotations.py`` and ``annotation.py`` (read from the copies in ``aschern/semeval2020_task11`` and
``paramansh/propaganda_detection``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from narrascope.scoring._common import (
    ArticleRows,
    MismatchError,
    PathLike,
    ScoreReport,
    as_path,
    f1_from_counts,
    fail,
    parse_int,
    read_lines,
)
from narrascope.scoring._labels import TECHNIQUES_2020

Interval = tuple[int, int]


# --------------------------------------------------------------------------------------------------- SI


def merge_overlapping(spans: Sequence[Interval]) -> list[Interval]:
    """Merge spans sharing at least one character, in the official scorer's incremental way (``merge_spans``):
    each new span is folded into the first earlier span it overlaps, and the result re-checked. Touching spans
    (``[0, 5)`` and ``[5, 9)``) share no character and stay apart."""
    out: list[Interval] = []
    for span in spans:
        out.append(span)
        i = len(out) - 1
        while True:
            a = out[i]
            j = next((k for k, b in enumerate(out) if k != i and max(a[0], b[0]) < min(a[1], b[1])), None)
            if j is None:
                break
            b = out[j]
            out[j] = (min(a[0], b[0]), max(a[1], b[1]))
            del out[i]
            i = j if j < i else j - 1
    return out


def _overlapping_pair(spans: Sequence[Interval]) -> tuple[Interval, Interval] | None:
    for i, a in enumerate(spans):
        for b in spans[:i]:
            if max(a[0], b[0]) < min(a[1], b[1]):
                return a, b
    return None


def _prf_lines(p_num: float, p_den: int, r_num: float, r_den: int) -> ScoreReport:
    """The official ``compute_prec_rec_f1``: P and R are 0 on a zero denominator; F1 is 1.0 when both
    denominators are 0, else 0 unless P and R are both positive."""
    p = p_num / p_den if p_den > 0 else 0.0
    r = r_num / r_den if r_den > 0 else 0.0
    f1 = 0.0
    if p_den == 0 and r_den == 0:
        f1 = 1.0
    if p > 0 and r > 0:
        f1 = 2 * p * r / (p + r)
    lines = [
        f"Precision={p_num:f}/{p_den}={p:f}\tRecall={r_num:f}/{r_den}={r:f}",
        f"F1={f1:f}",
    ]
    return ScoreReport(f1, "F1", {"precision": p, "recall": r, "F1": f1}, lines)


def score_si(
    gold: Mapping[str, Sequence[Interval]],
    pred: Mapping[str, Sequence[Interval]],
    *,
    merge_pred: bool = True,
) -> ScoreReport:
    """Span identification F1 with partial overlap, as ``task-SI_scorer.py``.

    Per article, overlapping gold spans are merged; overlapping predicted spans are merged when ``merge_pred``
    (the official ``-m`` flag, used in the official README's example) and rejected otherwise, as without
    ``-m``. Then ``P = sum_p sum_g |p & g| / |p|  /  #p`` and ``R = sum_p sum_g |p & g| / |g|  /  #g`` over
    pairs in the same article, where ``#g`` counts the merged gold spans of every gold article (articles
    without predictions included). A predicted article absent from ``gold`` is rejected (the official scorer
    logs it and then fails on it); list articles without gold spans in ``gold`` with an empty sequence.
    """
    unknown = [a for a in pred if a not in gold]
    if unknown:
        raise MismatchError(
            "pred", f"article {unknown[0]!r} has no correspondence in the gold data", unknown[0]
        )
    gold_m = {a: merge_overlapping(s) for a, s in gold.items()}
    pred_m: dict[str, list[Interval]] = {}
    for article, spans in pred.items():
        pair = None if merge_pred else _overlapping_pair(spans)
        if pair is not None:
            raise MismatchError("pred", f"in article {article!r} span {pair[0]} overlaps {pair[1]}", article)
        pred_m[article] = merge_overlapping(spans) if merge_pred else list(spans)
    p_num = r_num = 0.0
    for article, spans in pred_m.items():
        for ps, pe in spans:
            for gs, ge in gold_m[article]:
                inter = max(0, min(pe, ge) - max(ps, gs))
                p_num += inter / (pe - ps)
                r_num += inter / (ge - gs)
    p_den = sum(len(s) for s in pred_m.values())
    r_den = sum(len(s) for s in gold_m.values())
    return _prf_lines(p_num, p_den, r_num, r_den)


def _valid_span(path: PathLike, line_no: int, start: int, end: int) -> Interval:
    if start < 0 or end < 0:
        raise fail(path, line_no, f"start and end must be non-negative, found {start}, {end}")
    if start >= end:
        raise fail(path, line_no, f"end must be greater than start, found {start}, {end}")
    return start, end


def read_si(path: PathLike) -> ArticleRows[Interval]:
    """Read an SI file (``article_id<TAB>start<TAB>end``), or, for gold, a folder of ``article<ID>*.labels``
    files (each file's article counts as known even when the file is empty), as the official loaders do:
    exactly 3 columns after stripping the line end, integer offsets, ``0 <= start < end``."""
    p = as_path(path)
    files = sorted(p.glob("*.labels")) if p.is_dir() else [p]
    if p.is_dir() and not files:
        raise fail(path, 0, "no *.labels files in the folder")
    table: ArticleRows[Interval] = ArticleRows()
    for file in files:
        if p.is_dir():
            m = re.match(r"article([0-9]+)", file.name)
            if m is None:
                raise fail(file, 0, "file name does not start with article<ID>")
            table.rows.setdefault(m.group(1), [])
            table.first_line.setdefault(m.group(1), 1)
        for n, line in enumerate(read_lines(file), 1):
            row = line.rstrip().split("\t")
            if len(row) != 3:
                raise fail(file, n, f"expected 3 TAB-separated columns, found {len(row)}")
            start = parse_int(file, n, row[1], "start")
            end = parse_int(file, n, row[2], "end")
            table.add(row[0], _valid_span(file, n, start, end), n)
    return table


# --------------------------------------------------------------------------------------------------- TC

Labelled = tuple[str, int, int]  # (technique, start, end)


def _check_tc_alignment(
    gold: Mapping[str, Sequence[Labelled]], pred: Mapping[str, Sequence[Labelled]]
) -> None:
    """The official format checks: identical article lists, and per article the same spans in the same order
    once each side is sorted (stably) by start offset."""
    if len(gold) != len(pred):
        raise MismatchError("pred", f"number of articles differs: {len(pred)} predicted, {len(gold)} in gold")
    for article in pred:
        if article not in gold:
            raise MismatchError("pred", f"article {article!r} is not in the gold data", article)
    for article, p_rows in pred.items():
        g = sorted(gold[article], key=lambda a: a[1])
        p = sorted(p_rows, key=lambda a: a[1])
        if len(g) != len(p):
            raise MismatchError(
                "pred", f"article {article!r}: {len(p)} spans predicted, {len(g)} in gold", article
            )
        for a, b in zip(p, g, strict=True):
            if a[1:] != b[1:]:
                raise MismatchError(
                    "pred", f"article {article!r}: span {a[1:]} where gold has {b[1:]}", article
                )


def _align(pred: list[Labelled], gold: list[Labelled]) -> None:
    """The official ``align_annotations`` (in place): within each run of identical consecutive spans, move an
    equal (span and label) pred/gold pair to the current position."""
    i = 0
    while i < len(pred):
        j1, j2 = _matching(pred, gold, i)
        if j1 > i:
            pred[j1], pred[i] = pred[i], pred[j1]
        if j2 > i:
            gold[j2], gold[i] = gold[i], gold[j2]
        i += 1
        if j1 == -1:
            while i + 1 < len(pred) and pred[i][1:] == pred[i + 1][1:]:
                i += 1


def _matching(pred: list[Labelled], gold: list[Labelled], i: int) -> tuple[int, int]:
    j2 = i
    while j2 < len(gold) and gold[j2][1:] == gold[i][1:]:
        j1 = i
        while j1 < len(pred) and pred[j1][1:] == pred[i][1:]:
            if pred[j1] == gold[j2]:
                return j1, j2
            j1 += 1
        j2 += 1
    return -1, -1


def score_tc(gold: Mapping[str, Sequence[Labelled]], pred: Mapping[str, Sequence[Labelled]]) -> ScoreReport:
    """Technique classification micro-F1, as ``task-TC_scorer.py``.

    Gold and predictions must hold the same articles and, per article, the same spans (after a stable sort
    by start offset only: two spans with the same start must come in the same order in both files), else
    the input is rejected. Within runs of identical spans, labels are aligned to maximise matches (so a span
    carrying two techniques matches in any order). The label lists are then concatenated article by article
    **in each mapping's own order** (quirk: if the two files list articles in different orders, labels of
    different articles get paired) and scored with micro P/R/F1, which equal accuracy. Per-technique F1 over
    the 14 techniques is as scikit-learn's (0 when undefined).
    """
    _check_tc_alignment(gold, pred)
    g_all: list[str] = []
    p_all: list[str] = []
    sorted_gold = {a: sorted(rows, key=lambda x: x[1]) for a, rows in gold.items()}
    sorted_pred = {a: sorted(rows, key=lambda x: x[1]) for a, rows in pred.items()}
    for article in gold:
        _align(sorted_pred[article], sorted_gold[article])
    for rows in sorted_gold.values():
        g_all.extend(r[0] for r in rows)
    for rows in sorted_pred.values():
        p_all.extend(r[0] for r in rows)
    n = len(g_all)
    micro = sum(g == p for g, p in zip(g_all, p_all, strict=True)) / n if n else 0.0
    metrics = {"precision": micro, "recall": micro, "micro-F1": micro}
    lines = []
    for tech in sorted(TECHNIQUES_2020):
        tp = sum(g == p == tech for g, p in zip(g_all, p_all, strict=True))
        f1 = f1_from_counts(tp, p_all.count(tech) - tp, g_all.count(tech) - tp, 0.0)
        metrics[f"F1_{tech}"] = f1
        lines.append(f"F1_{tech}={f1:f}")
    lines += [f"Precision={micro:f}", f"Recall={micro:f}", f"micro-F1={micro:f}"]
    return ScoreReport(micro, "micro-F1", metrics, lines)


def read_tc(path: PathLike) -> ArticleRows[Labelled]:
    """Read a TC file (``article_id<TAB>technique<TAB>start<TAB>end``) as the official loader: exactly 4
    columns, a technique from the 14 official names, integer offsets with ``0 <= start < end``; any
    violation rejects the file (gold or prediction alike)."""
    table: ArticleRows[Labelled] = ArticleRows()
    for n, line in enumerate(read_lines(path), 1):
        row = line.rstrip().split("\t")
        if len(row) != 4:
            raise fail(path, n, f"expected 4 TAB-separated columns, found {len(row)}")
        if row[1] not in TECHNIQUES_2020:
            raise fail(path, n, f"technique {row[1]!r} is not one of the 14 SemEval-2020 techniques")
        start, end = _valid_span(
            path, n, parse_int(path, n, row[2], "start"), parse_int(path, n, row[3], "end")
        )
        table.add(row[0], (row[1], start, end), n)
    return table
