"""What ``narrascope train NAME`` hands a detector's recipe: one value, built once at the edge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def _quiet(line: str) -> None:
    """The default log: says nothing."""


@dataclass(frozen=True)
class TrainJob:
    """One training run. ``detector``: the versioned name being trained (``framing.v2``); ``data``: the
    corpora folder; ``out``: the model folder to write (None: the recipe's built-in one); ``limit``: the
    first N documents per language only; ``taxonomy`` (narratives): a user's taxonomy YAML; ``work`` and
    ``device`` (the fine-tuned reader): the checkpoint folder a stopped run resumes from, the torch device."""

    detector: str
    data: Path
    out: Path | None = None
    limit: int | None = None
    log: Callable[[str], None] = _quiet
    taxonomy: Path | None = None
    work: Path | None = None
    device: str = "cpu"


Recipe = Callable[[TrainJob], Any]  # what a spec's ``trainer`` names: it trains, saves and returns a report
