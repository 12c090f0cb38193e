"""``evaluate(task, gold, pred)``: read both files with the task's reader, score them, and turn any mismatch
into an ``InputError`` naming the file and, where known, the line."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from narrascope.scoring import checkthat, spans
from narrascope.scoring import semeval2020 as s20
from narrascope.scoring import semeval2023 as s23
from narrascope.scoring import semeval2025 as s25
from narrascope.scoring._common import MismatchError, PathLike, ScoreReport
from narrascope.types import InputError

LineMap = Mapping[Any, int]  # keys of the task's reader: article ids, (id, paragraph), mention keys


def _guard(
    score: Callable[[], ScoreReport], gold: PathLike, pred: PathLike, gold_lines: LineMap, pred_lines: LineMap
) -> ScoreReport:
    try:
        return score()
    except MismatchError as e:
        path, lines, other, other_lines = (
            (pred, pred_lines, "gold", gold_lines)
            if e.side == "pred"
            else (gold, gold_lines, "pred", pred_lines)
        )
        if e.key is not None and e.key in lines:
            raise InputError(str(path), f"line {lines[e.key]}: {e.problem}") from e
        if e.key is not None and e.key in other_lines:
            raise InputError(str(path), f"{e.problem} ({other} line {other_lines[e.key]})") from e
        raise InputError(str(path), e.problem) from e


def _si(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = s20.read_si(gold), s20.read_si(pred)
    return _guard(lambda: s20.score_si(g.rows, p.rows), gold, pred, g.first_line, p.first_line)


def _tc(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = s20.read_tc(gold), s20.read_tc(pred)
    return _guard(lambda: s20.score_tc(g.rows, p.rows), gold, pred, g.first_line, p.first_line)


def _st1_2023(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = s23.read_2023_st1(gold), s23.read_2023_st1(pred)
    return _guard(lambda: s23.score_2023_st1(g.values, p.values), gold, pred, g.line_of, p.line_of)


def _st2_2023(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = s23.read_2023_st2(gold), s23.read_2023_st2(pred)
    return _guard(lambda: s23.score_2023_st2(g.values, p.values), gold, pred, g.line_of, p.line_of)


def _st3_2023(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = s23.read_2023_st3(gold), s23.read_2023_st3(pred)
    return _guard(lambda: s23.score_2023_st3(g.values, p.values), gold, pred, g.line_of, p.line_of)


def _st1_2025(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = s25.read_2025_st1(gold), s25.read_2025_st1(pred)
    return _guard(lambda: s25.score_2025_st1(g.values, p.values), gold, pred, g.line_of, p.line_of)


def _st2_2025(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = s25.read_2025_st2(gold), s25.read_2025_st2(pred)
    return _guard(lambda: s25.score_2025_st2(g.values, p.values), gold, pred, g.line_of, p.line_of)


def _spans(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = spans.read_spans(gold), spans.read_spans(pred)
    return _guard(lambda: spans.score_spans(g.rows, p.rows), gold, pred, g.first_line, p.first_line)


def _checkthat(gold: PathLike, pred: PathLike) -> ScoreReport:
    g, p = checkthat.read_checkthat_gold(gold), checkthat.read_checkthat_pred(pred)
    return _guard(lambda: checkthat.score_checkthat(g.values, p.values), gold, pred, g.line_of, p.line_of)


_SCORERS: dict[str, Callable[[PathLike, PathLike], ScoreReport]] = {
    "checkthat2024-t1": _checkthat,
    "semeval2020-si": _si,
    "semeval2020-tc": _tc,
    "semeval2023-st1": _st1_2023,
    "semeval2023-st2": _st2_2023,
    "semeval2023-st3": _st3_2023,
    "semeval2025-st1": _st1_2025,
    "semeval2025-st2": _st2_2025,
    "spans": _spans,
}
TASKS: tuple[str, ...] = tuple(sorted(_SCORERS))  # the official scorers there are, one per format


def evaluate(task: str, gold_path: PathLike, pred_path: PathLike) -> ScoreReport:
    """Score the prediction file ``pred_path`` against ``gold_path`` with the official scorer of ``task``
    (one of ``TASKS``). Raises ``ValueError`` for an unknown task and ``InputError`` (naming the file and,
    where known, the line) for a file the official scorer would reject."""
    try:
        scorer = _SCORERS[task]
    except KeyError:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}") from None
    return scorer(gold_path, pred_path)
