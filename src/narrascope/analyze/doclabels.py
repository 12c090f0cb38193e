"""Document-level label detectors (genre, frames): a trained linear head over pooled sentence embeddings.

Evidence for each label: the sentences whose embeddings push the label's score up the most.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from narrascope.analyze.base import Features
from narrascope.analyze.heads import LinearHead, pool
from narrascope.analyze.spec import ArticleFormat, DetectorSpec
from narrascope.types import Analysis, DetectorResult, Document, Finding, Span

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


def st1_rows(a: Analysis) -> list[str]:
    """SemEval-2023 subtask 1: ``id<TAB>genre`` (``reporting`` when the result is missing)."""
    r = a.result("genre")
    label = r.findings[0].label if r and r.findings else "reporting"
    return [f"{a.document.article.id}\t{label}"]


def st2_rows(a: Analysis) -> list[str]:
    """SemEval-2023 subtask 2: ``id<TAB>frame,frame``."""
    r = a.result("frames")
    labels = ",".join(f.label for f in r.findings) if r else ""
    return [f"{a.document.article.id}\t{labels}"]


GENRE = DetectorSpec(
    task="genre",
    title="Genre",
    label_kind="genres",
    default=True,
    trainer="narrascope.train.heads:recipe",
    attributes=(),
    writers=(ArticleFormat("semeval2023-st1", st1_rows),),
)
FRAMES = DetectorSpec(
    task="frames",
    title="Frames",
    label_kind="frames",
    default=True,
    trainer="narrascope.train.heads:recipe",
    attributes=(),
    writers=(ArticleFormat("semeval2023-st2", st2_rows),),
)


def genre_v1() -> HeadDetector:
    return HeadDetector("genre.v1", model_dir("genre"))


def frames_v1() -> HeadDetector:
    return HeadDetector("frames.v1", model_dir("frames"))
