"""``techniques.v2``: the 23 techniques tagged token by token on the shared reader pass, as phrase spans.

The fine-tuned reader (``narrascope.reader``) reads each article once; this detector's layer gives every
token a sigmoid score per technique (several techniques may mark one token), and ``tagging``
decodes the scores into phrases: runs of tokens on one line above the technique's extend cut-off that hold a
token above its seed cut-off, widened to whole words. Every language the reader reads gets findings; the
model card gives the figures per language. The paragraph labels of SemEval-2023 subtask 3 and the ``spans``
format follow from the phrases (a paragraph has a technique when one of its phrases does). When the
manifest's ``reader_weight`` is below 1, each token's score is averaged with the score of its sentence from
a ridge head of the ``techniques.v1`` recipe (``ridge/``: the shared multilingual features, context and
hashed n-grams), the reader weighing ``reader_weight``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from narrascope.analyze.base import Features
from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.heads import LinearHead, ModelFileError
from narrascope.analyze.techniques.model import TechniqueModel
from narrascope.analyze.techniques.tagging import phrases, spread_to_tokens
from narrascope.types import DetectorResult, Document, Finding

SPACE = "reader"
RIDGE, RIDGE_SPACE = "ridge", "multi"  # the optional sentence head averaged in, and the space it reads


class ReaderTechniquesDetector:
    """Technique phrases from the reader's token outputs."""

    task = "techniques"
    requires: tuple[str, ...] = (SPACE,)

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.head = LinearHead.load(folder)
        if self.head.space != SPACE or not self.head.multi_label:
            raise ModelFileError(f"{folder}: not a token layer over the reader (space {self.head.space!r})")
        ratio = float(self.head.info.get("extend_ratio", 1.0))
        if not 0.0 < ratio <= 1.0:
            raise ModelFileError(f"{folder / 'manifest.json'}: extend_ratio must lie in (0, 1]")
        self.reader = str(self.head.info.get("reader", ""))
        self.seed = self.head.thresholds
        self.extend = (self.seed * ratio).astype(np.float32)
        self.model_version = f"{self.head.name}-{self.head.version}"
        self.reader_weight = float(self.head.info.get("reader_weight", 1.0))
        if not 0.0 <= self.reader_weight <= 1.0:
            raise ModelFileError(f"{folder / 'manifest.json'}: reader_weight must lie in [0, 1]")
        self.ridge: TechniqueModel | None = None
        if self.reader_weight < 1.0:  # averaged with the sentence ridge head of the v1 recipe
            ridge = LinearHead.load(folder / RIDGE)
            if ridge.labels != self.head.labels or ridge.space != RIDGE_SPACE:
                raise ModelFileError(f"{folder / RIDGE}: not a {RIDGE_SPACE} head of the same labels")
            self.ridge = TechniqueModel(ridge.name, ridge.version, {RIDGE_SPACE: ridge})
            self.requires = (SPACE, RIDGE_SPACE)

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        return [
            DetectorResult(self.name, self.model_version, self.detect(doc, f))
            for doc, f in zip(docs, feats, strict=True)
        ]

    def detect(self, doc: Document, feats: Features) -> tuple[Finding, ...]:
        reading = feats.reading()
        if reading.reader != self.reader:
            raise ModelFileError(
                f"{self.name}: trained on reader {self.reader!r}, but the shared pass is {reading.reader!r}"
            )
        if len(reading.tokens) == 0:
            return ()
        probs = self.head.scores(reading.hidden)
        if self.ridge is not None:
            sentences = self.ridge.sentence_scores(doc, feats.get(RIDGE_SPACE), RIDGE_SPACE)
            spans = [(s.start, s.end) for s in doc.sentences]
            ridge = spread_to_tokens(reading.tokens.offsets, spans, sentences)
            probs = (self.reader_weight * probs + (1.0 - self.reader_weight) * ridge).astype(np.float32)
        found = phrases(doc.text, reading.tokens.offsets, probs, self.head.labels, self.seed, self.extend)
        return tuple(Finding(label=p.label, score=p.score, start=p.start, end=p.end) for p in found)


def techniques_v2() -> ReaderTechniquesDetector:
    return ReaderTechniquesDetector("techniques.v2", model_dir("techniques-reader"))
