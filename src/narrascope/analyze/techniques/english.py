"""``techniques-en``: the accurate English mode of the techniques detector (a fine-tuned sentence reader).

English articles are read by ``all-MiniLM-L6-v2`` fine-tuned on the English SemEval-2023 sentences
(``narrascope train techniques-en``), served as int8 ONNX from the model folder: one sigmoid per technique
over each sentence's mean-pooled vector. That score is averaged with a ridge head of the default recipe (the
shared multilingual features and hashed n-grams, ``ridge/`` in the model folder; the reader's weight is the
manifest's ``reader_weight``), and a finding is made where a technique's average reaches its own threshold.
Articles in other languages get the default ``techniques`` model's findings. The task is ``techniques``, so
the st3 and spans formats, the HTML view and the store treat both modes alike; choose one per run
(``--detectors genre,frames,techniques-en,narratives,framing``). The price is a second encoder pass over
English articles, several times the default detector's time (``bench/techniques.py --detector
techniques-en``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from narrascope.analyze.base import Features
from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.heads import LinearHead
from narrascope.analyze.techniques.detector import TechniquesDetector
from narrascope.analyze.techniques.model import SPACE, TechniqueModel, sentence_findings
from narrascope.encode.manifest import ModelFileError, read_manifest
from narrascope.types import DetectorResult, Document, Finding

ENCODER, HEAD, RIDGE = "encoder", "head", "ridge"
LANG = "en"
Matrix = npt.NDArray[np.float32]


def blend(reader: Matrix, ridge: Matrix, reader_weight: float) -> Matrix:
    """The reader's sentence scores averaged with the ridge head's, the reader weighing ``reader_weight``."""
    out: Matrix = (reader_weight * reader + (1.0 - reader_weight) * ridge).astype(np.float32)
    return out


class TechniquesEnDetector:
    """English sentences through the fine-tuned reader; other languages through ``fallback``."""

    task = "techniques"

    def __init__(self, name: str, folder: Path, fallback: TechniquesDetector) -> None:
        from narrascope.encode.minilm import MiniLMEncoder

        manifest = read_manifest(folder)  # checks the head's files and the encoder's manifest
        self.name = name
        self.head = LinearHead.from_manifest(manifest.part(HEAD))  # its manifest's bytes checked
        if self.head.labels != manifest.get("labels"):
            raise ModelFileError(f"{folder / HEAD}: labels differ from {folder / 'manifest.json'}")
        self.encoder = MiniLMEncoder(folder / ENCODER)  # checks model.onnx and tokenizer.json
        if self.encoder.dim != self.head.coef.shape[1]:
            raise ModelFileError(f"{folder}: encoder dimension {self.encoder.dim} does not fit the head")
        self.reader_weight = float(manifest.get("reader_weight", 1.0))
        if not 0.0 <= self.reader_weight <= 1.0:
            raise ModelFileError(f"{folder / 'manifest.json'}: reader_weight must lie in [0, 1]")
        self.ridge: TechniqueModel | None = None
        if self.reader_weight < 1.0:
            ridge = LinearHead.from_manifest(manifest.part(RIDGE))
            if ridge.labels != self.head.labels:
                raise ModelFileError(f"{folder / RIDGE}: labels differ from {folder / 'manifest.json'}")
            self.ridge = TechniqueModel(ridge.name, ridge.version, {SPACE: ridge})
        self.fallback = fallback
        # one version for every result: the reader's, then the model other languages get
        self.model_version = f"{manifest['name']}-{manifest['version']}+{fallback.model_version}"
        # the shared space, which the ridge head and the other languages' model read
        self.requires: tuple[str, ...] = fallback.requires

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        english = [i for i, d in enumerate(docs) if d.lang == LANG and d.sentences]
        # one encoder call for the batch's English sentences: the encoder batches them by length
        texts = [t for i in english for t in docs[i].sentence_texts()]
        vectors = self.encoder.encode(texts) if texts else np.zeros((0, self.encoder.dim), np.float32)
        found: dict[int, tuple[Finding, ...]] = {}
        start = 0
        for i in english:
            n = len(docs[i].sentences)
            scores = self.head.scores(vectors[start : start + n])
            if self.ridge is not None:
                ridge = self.ridge.sentence_scores(docs[i], feats[i].get(SPACE), SPACE)
                scores = blend(scores, ridge, self.reader_weight)
            found[i] = sentence_findings(docs[i], scores, self.head.labels, self.head.thresholds)
            start += n
        for i, (doc, f) in enumerate(zip(docs, feats, strict=True)):
            if i not in found:  # not English, or no sentences
                found[i] = self.fallback.detect(doc, f)
        return [DetectorResult(self.name, self.model_version, found[i]) for i in range(len(docs))]


def techniques_en_v1() -> TechniquesEnDetector:
    fallback = TechniquesDetector("techniques.v1", model_dir("techniques"))
    return TechniquesEnDetector("techniques-en.v1", model_dir("techniques-en"), fallback)
