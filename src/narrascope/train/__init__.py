"""Training entry points (need the ``train`` extra). ``train(detector, data, out)`` runs the recipe the
detector's spec names (``DetectorSpec.trainer``, ``"module:function"`` taking one ``TrainJob``).

A recipe lives in its detector's folder (``analyze/<task>/train.py``); this package holds what they share
(``job``, ``harness``) and keeps the recipes' old module names importable (``narrascope.train.claims`` is
``narrascope.analyze.claims.train``: ``_moved``)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any, cast

from narrascope.train._moved import install
from narrascope.train.job import Recipe, TrainJob

install()


def train(
    detector: str,
    data: Path,
    out: Path | None,
    limit: int | None = None,
    log: Callable[[str], None] = lambda s: None,
    taxonomy: Path | None = None,
    work: Path | None = None,
    device: str = "cpu",
) -> Any:
    """Train a built-in detector from the corpora folder ``data``; writes the model folder to ``out``.
    ``taxonomy`` (narratives only): a user's taxonomy YAML; its model goes to ``out`` or beside it.
    ``work`` and ``device`` (``techniques``, the fine-tuned reader): the checkpoint folder a stopped run
    resumes from, and the torch device (``cpu``, ``cuda``)."""
    from narrascope.analyze.base import resolve, spec_of, trainable

    try:
        name = resolve(detector)
        trainer = spec_of(name).trainer
    except KeyError:
        trainer = None
    if trainer is None:
        raise KeyError(f"no training recipe for detector {detector!r}; trainable: {', '.join(trainable())}")
    job = TrainJob(name, data, out, limit=limit, log=log, taxonomy=taxonomy, work=work, device=device)
    return recipe(trainer)(job)


def recipe(trainer: str) -> Recipe:
    """The recipe a spec's ``trainer`` (``"module:function"``) names, imported now."""
    module, _, attr = trainer.partition(":")
    return cast(Recipe, getattr(import_module(module), attr))


__all__ = ["Recipe", "TrainJob", "recipe", "train"]
