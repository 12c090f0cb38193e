"""Technique-aware span F1 (``spans``): our own scorer for span-level persuasion techniques.

Definition (the SemEval-2020 task 11 FLC / SemEval-2021 task 6 subtask 2 partial-overlap measure, with a
predicted span compared only with gold spans of the same technique in the same article):

1. Within each (article, technique), overlapping spans (sharing at least one character) are merged, on both
   sides, so that the overlap credit of one span never exceeds 1.
2. ``P = (1 / |Pred|) * sum_{p in Pred} sum_{g in Gold, same article and technique} |p & g| / |p|``
3. ``R = (1 / |Gold|) * sum_{g in Gold} sum_{p in Pred, same article and technique} |p & g| / |g|``
4. ``F1 = 2PR / (P + R)``; P is 0 with no predicted span, R is 0 with no gold span, F1 is 0 unless both are
   positive, and 1.0 when there is neither a gold nor a predicted span (the SemEval-2020 convention).

Spans are half-open ``[start, end)`` character offsets. Predictions for articles absent from the gold file
are allowed (an article may have no gold span) and count against precision. Technique names must be among
the 23 SemEval-2023 techniques, in both files. Per-technique P/R/F1 are reported too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from narrascope.scoring._common import ArticleRows, PathLike, ScoreReport, fail, parse_int, read_lines
from narrascope.scoring._labels import TECHNIQUES_2023
from narrascope.scoring.semeval2020 import Interval, merge_overlapping

TechSpan = tuple[str, int, int]  # (technique, start, end)


def _grouped(data: Mapping[str, Sequence[TechSpan]]) -> dict[tuple[str, str], list[Interval]]:
    groups: dict[tuple[str, str], list[Interval]] = {}
    for article, rows in data.items():
        for tech, start, end in rows:
            groups.setdefault((article, tech), []).append((start, end))
    return {key: merge_overlapping(spans) for key, spans in groups.items()}


def _prf(p_num: float, p_den: int, r_num: float, r_den: int) -> dict[str, float]:
    p = p_num / p_den if p_den else 0.0
    r = r_num / r_den if r_den else 0.0
    f1 = 2 * p * r / (p + r) if p > 0 and r > 0 else 0.0
    if p_den == 0 and r_den == 0:
        f1 = 1.0
    return {"precision": p, "recall": r, "F1": f1}


def score_spans(
    gold: Mapping[str, Sequence[TechSpan]], pred: Mapping[str, Sequence[TechSpan]]
) -> ScoreReport:
    """Technique-aware partial-overlap span F1 (see the module docstring for the exact definition)."""
    g_groups, p_groups = _grouped(gold), _grouped(pred)
    p_num: dict[str, float] = dict.fromkeys(TECHNIQUES_2023, 0.0)
    r_num: dict[str, float] = dict.fromkeys(TECHNIQUES_2023, 0.0)
    p_den: dict[str, int] = dict.fromkeys(TECHNIQUES_2023, 0)
    r_den: dict[str, int] = dict.fromkeys(TECHNIQUES_2023, 0)
    for (_, tech), g_spans in g_groups.items():
        r_den[tech] = r_den.get(tech, 0) + len(g_spans)
    for (article, tech), p_spans in p_groups.items():
        p_den[tech] = p_den.get(tech, 0) + len(p_spans)
        for ps, pe in p_spans:
            for gs, ge in g_groups.get((article, tech), []):
                inter = max(0, min(pe, ge) - max(ps, gs))
                p_num[tech] = p_num.get(tech, 0.0) + inter / (pe - ps)
                r_num[tech] = r_num.get(tech, 0.0) + inter / (ge - gs)
    total = _prf(sum(p_num.values()), sum(p_den.values()), sum(r_num.values()), sum(r_den.values()))
    metrics: dict[str, float] = {}
    lines: list[str] = []
    for tech in sorted(set(p_den) | set(r_den)):
        if p_den.get(tech, 0) or r_den.get(tech, 0):
            t = _prf(p_num[tech], p_den[tech], r_num[tech], r_den[tech])
            metrics.update({f"{k}_{tech}": v for k, v in t.items()})
            lines.append(f"{tech}: P={t['precision']:f} R={t['recall']:f} F1={t['F1']:f}")
    metrics.update(total)
    lines += [f"precision={total['precision']:f}", f"recall={total['recall']:f}", f"F1={total['F1']:f}"]
    return ScoreReport(total["F1"], "F1", metrics, lines)


def read_spans(path: PathLike) -> ArticleRows[TechSpan]:
    """``id<TAB>technique<TAB>start<TAB>end``: exactly 4 columns, a known technique, ``0 <= start < end``;
    anything else rejects the file."""
    table: ArticleRows[TechSpan] = ArticleRows()
    for n, line in enumerate(read_lines(path), 1):
        row = line.rstrip("\r\n").split("\t")
        if len(row) != 4:
            raise fail(path, n, f"expected 4 TAB-separated columns, found {len(row)}")
        if row[1] not in TECHNIQUES_2023:
            raise fail(path, n, f"technique {row[1]!r} is not one of the 23 techniques")
        start, end = parse_int(path, n, row[2], "start"), parse_int(path, n, row[3], "end")
        if not 0 <= start < end:
            raise fail(path, n, f"need 0 <= start < end, found {start}, {end}")
        table.add(row[0], (row[1], start, end), n)
    return table
