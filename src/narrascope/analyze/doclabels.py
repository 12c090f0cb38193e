"""The shared base of the document-label detectors (``analyze.genre``, ``analyze.frames``): a trained linear
head over pooled sentence embeddings, and ``model_dir``, the committed model folder of a built-in detector.

Evidence for each label: the sentences whose embeddings push the label's score up the most.

``GENRE``, ``FRAMES``, ``genre_v1`` and ``frames_v1`` are still importable from here, as re-exports of the
``genre`` and ``frames`` packages (reached lazily: those packages build on this module).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.analyze.base import Features
from narrascope.analyze.heads import LinearHead, pool
from narrascope.types import DetectorResult, Document, Finding, Span

EVIDENCE_SENTENCES = 3


def model_dir(task: str) -> Path:
    """The committed model folder of a built-in detector."""
    return Path(str(resources.files("narrascope") / "models" / task))


class HeadDetector:
    """A detector that labels the whole document with a trained ``LinearHead``."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.task = name.split(".")[0]
        self.head = LinearHead.load(folder)
        self.model_version = f"{self.head.name}-{self.head.version}"
        self.requires: tuple[str, ...] = (self.head.space,)

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        if not docs:
            return []
        matrices = [f.get(self.head.space) for f in feats]
        scores = self.head.scores(np.stack([pool(m) for m in matrices]))
        return [
            DetectorResult(self.name, self.model_version, self._findings(doc, m, row))
            for doc, m, row in zip(docs, matrices, scores, strict=True)
        ]

    def _chosen(self, row: npt.NDArray[np.float32]) -> list[int]:
        if not self.head.multi_label:
            return [int(np.argmax(row))]
        picked = [i for i in range(len(row)) if row[i] >= self.head.thresholds[i]]
        return sorted(picked, key=lambda i: -row[i])

    def _findings(
        self, doc: Document, sentences: npt.NDArray[np.float32], row: npt.NDArray[np.float32]
    ) -> tuple[Finding, ...]:
        dim = sentences.shape[1] if sentences.ndim == 2 else 0
        out = []
        for i in self._chosen(row):
            evidence: tuple[Span, ...] = ()
            if len(doc.sentences) and dim:
                w = self.head.coef[i]
                contrib = sentences @ (w[:dim] + w[dim:])
                top = np.argsort(-contrib)[:EVIDENCE_SENTENCES]
                evidence = tuple(doc.sentences[j] for j in top if contrib[j] > 0)
            out.append(Finding(label=self.head.labels[i], score=float(row[i]), evidence=evidence))
        return tuple(out)


_MOVED = {  # name -> (its module now, its name there)
    "GENRE": ("narrascope.analyze.genre.spec", "SPEC"),
    "FRAMES": ("narrascope.analyze.frames.spec", "SPEC"),
    "genre_v1": ("narrascope.analyze.genre.detector", "genre_v1"),
    "frames_v1": ("narrascope.analyze.frames.detector", "frames_v1"),
}


def __getattr__(name: str) -> Any:
    """The names this module had before genre and frames became packages (re-exports, lazily)."""
    if name not in _MOVED:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module, attr = _MOVED[name]
    return getattr(import_module(module), attr)
