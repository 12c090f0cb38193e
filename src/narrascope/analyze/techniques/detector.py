"""``techniques.v1``: the 23 persuasion techniques of SemEval-2023 Task 3, as character spans with a score.

Each sentence is scored for every technique by one linear head, shared by every language, over its context
features (the sentence's embedding in the shared multilingual ``multi`` space, the mean embedding of its
paragraph and of its two neighbours) plus its hashed word unigrams and bigrams (``analyze.lexical``): the
loaded words and labels that embeddings blur. The English-only ``minilm`` space is not needed, so an
English article pays one encoder pass, shared with the other detectors. A technique is
found in a sentence when its score reaches that technique's own threshold (tuned on out-of-fold
predictions for paragraph-level micro-F1, the official measure); each finding spans its sentence. Different
techniques on the same text are all kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from narrascope.analyze.base import Features
from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.techniques.model import TechniqueModel, sentence_findings, space_for
from narrascope.types import DetectorResult, Document, Finding


class TechniquesDetector:
    """The ``techniques`` detector: located findings, one per (sentence, technique) above threshold."""

    task = "techniques"

    def __init__(self, name: str, folder: Path) -> None:
        self.name = name
        self.model = TechniqueModel.load(folder)
        self.model_version = f"{self.model.name}-{self.model.version}"
        self.requires: tuple[str, ...] = tuple(self.model.heads)

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        return [
            DetectorResult(self.name, self.model_version, self.detect(doc, f))
            for doc, f in zip(docs, feats, strict=True)
        ]

    def detect(self, doc: Document, feats: Features) -> tuple[Finding, ...]:
        if not doc.sentences:
            return ()
        space = space_for(doc.lang)
        if space not in self.model.heads:
            space = next(iter(self.model.heads))
        head = self.model.heads[space]
        scores = self.model.sentence_scores(doc, feats.get(space), space)
        return sentence_findings(doc, scores, head.labels, head.thresholds)


def techniques_v1() -> TechniquesDetector:
    return TechniquesDetector("techniques.v1", model_dir("techniques"))
