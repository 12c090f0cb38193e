"""Shared pieces of the scorers: the report type, the mismatch error, file reading and count arithmetic."""

from __future__ import annotations

import os
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Literal, TypeVar

from narrascope.types import InputError

PathLike = str | os.PathLike[str]
Side = Literal["gold", "pred"]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class ArticleRows(Generic[V]):
    """Rows of a span file grouped by article, in file order, with the first line of each article."""

    rows: dict[str, list[V]] = field(default_factory=dict)
    first_line: dict[str, int] = field(default_factory=dict)

    def add(self, article: str, value: V, line_no: int) -> None:
        self.rows.setdefault(article, []).append(value)
        self.first_line.setdefault(article, line_no)


@dataclass
class Keyed(Generic[K, V]):
    """Rows of a label file keyed as the official reader keys them (a later duplicate replaces the value but
    keeps the first position, as a ``dict`` does), with the last line of each key."""

    values: dict[K, V] = field(default_factory=dict)
    line_of: dict[K, int] = field(default_factory=dict)

    def put(self, key: K, value: V, line_no: int) -> None:
        self.values[key] = value
        self.line_of[key] = line_no


@dataclass(frozen=True)
class ScoreReport:
    """The result of one scorer.

    ``official`` is the figure the official leaderboard ranks by, ``name`` its name; ``metrics`` holds every
    figure the scorer computes (the official one included, under ``name``); ``lines`` are human-readable lines
    to print, the official figure last.
    """

    official: float
    name: str
    metrics: dict[str, float] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


class MismatchError(ValueError):
    """Gold and predictions do not fit together (or one holds a value the official scorer rejects).

    ``side`` says which input is at fault; ``key`` is the offending row's key when there is one, so that the
    file layer can name the line.
    """

    def __init__(self, side: Side, problem: str, key: Hashable | None = None) -> None:
        super().__init__(problem)
        self.side: Side = side
        self.problem = problem
        self.key = key


def read_lines(path: PathLike) -> list[str]:
    """The lines of a UTF-8 text file, each with its line end, as Python's ``readlines`` gives them
    (universal newlines: ``\\r\\n`` reads as ``\\n``), which is how the official scorers read."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.readlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(str(path), f"cannot read: {e}") from e


def fail(path: PathLike, line_no: int, problem: str) -> InputError:
    """An ``InputError`` naming the file and the (1-based) line."""
    return InputError(str(path), f"line {line_no}: {problem}")


def parse_int(path: PathLike, line_no: int, text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise fail(path, line_no, f"{what} must be an integer, found {text!r}") from None


def ratio(num: float, den: float, zero_division: float) -> float:
    """``num / den``, or ``zero_division`` where ``den`` is 0 (scikit-learn's convention)."""
    return num / den if den else zero_division


def f1_from_counts(tp: int, fp: int, fn: int, zero_division: float) -> float:
    """F1 as scikit-learn computes it from counts: ``2tp / (2tp + fp + fn)``, ``zero_division`` when that
    denominator is 0."""
    den = 2 * tp + fp + fn
    return 2 * tp / den if den else zero_division


def as_path(path: PathLike) -> Path:
    return Path(os.fspath(path))
