"""The sentence model of the techniques task (``techniques.v1``): each sentence's context features (its
``multi`` vector, its paragraph's mean and its neighbours' mean) and a ``TechniqueModel``, one linear head per
feature space with per-technique thresholds. The v1 detector reads it, and the English mode and ``v2`` average
in a ridge head of the same recipe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from narrascope.analyze.heads import LinearHead
from narrascope.analyze.lexical import hashed_ngrams
from narrascope.encode.manifest import ModelFileError, ModelFolder, read_manifest
from narrascope.types import Document, Finding, Span

Matrix = npt.NDArray[np.float32]
SPACE = "multi"
N_BLOCKS = 3  # sentence, paragraph mean, neighbours' mean


def _normalise_rows(m: Matrix) -> Matrix:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    out: Matrix = (m / np.maximum(norms, 1e-12)).astype(np.float32)
    return out


def paragraph_index(sentences: Sequence[Span], paragraphs: Sequence[Span]) -> npt.NDArray[np.int_]:
    """For each sentence, the index of the paragraph that contains its start (-1 when none does)."""
    out = np.full(len(sentences), -1, dtype=int)
    p = 0
    for i, s in enumerate(sentences):
        while p < len(paragraphs) and paragraphs[p].end <= s.start:
            p += 1
        if p < len(paragraphs) and paragraphs[p].start <= s.start:
            out[i] = p
    return out


def context_features(sentences: Matrix, para_of: npt.NDArray[np.int_]) -> Matrix:
    """(n, 3*dim): each sentence's embedding, its paragraph's mean and its neighbours' mean (normalised)."""
    n = sentences.shape[0]
    if n == 0:
        return np.zeros((0, N_BLOCKS * sentences.shape[1]), dtype=np.float32)
    para = np.zeros_like(sentences)
    for p in np.unique(para_of):
        rows = para_of == p
        para[rows] = sentences[rows].mean(axis=0)
    padded = np.vstack(
        [
            np.zeros((1, sentences.shape[1]), np.float32),
            sentences,
            np.zeros((1, sentences.shape[1]), np.float32),
        ]
    )
    neighbours = padded[:-2] + padded[2:]
    return np.hstack([sentences, _normalise_rows(para), _normalise_rows(neighbours)]).astype(np.float32)


def document_features(doc: Document, sentences: Matrix) -> Matrix:
    return context_features(sentences, paragraph_index(doc.sentences, doc.paragraphs))


def space_for(lang: str) -> str:
    """The feature space of a language's head: one multilingual space for all (``lang`` kept for heads
    that someone trains per language)."""
    return SPACE


@dataclass
class TechniqueModel:
    """One sentence-level multi-label head per feature space, with per-technique thresholds."""

    name: str
    version: str
    heads: dict[str, LinearHead]

    @property
    def labels(self) -> list[str]:
        return next(iter(self.heads.values())).labels

    def sentence_scores(self, doc: Document, sentences: Matrix, space: str) -> Matrix:
        if sentences.shape[0] == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        head = self.heads[space]
        lex = None
        if head.lexical is not None:
            lex = hashed_ngrams(doc.sentence_texts(), head.lexical.shape[1])
        return head.scores(document_features(doc, sentences), lex)

    def save(self, folder: Path, info: dict[str, object]) -> None:
        """One model folder: each head a part named after its space, all their files in one manifest."""
        fields = {
            "name": self.name,
            "version": self.version,
            "labels": self.labels,
            "spaces": sorted(self.heads),
        }
        parts = {space: head.model_folder() for space, head in self.heads.items()}
        ModelFolder(fields, parts=parts, record=info).write(folder)

    @classmethod
    def load(cls, folder: Path) -> TechniqueModel:
        manifest = read_manifest(folder)  # checks every listed file's sha256
        spaces = manifest.get("spaces")
        if not isinstance(spaces, list) or not spaces:
            raise ModelFileError(f"{folder / 'manifest.json'}: no list of head spaces")
        heads = {str(space): LinearHead.from_manifest(manifest.part(str(space))) for space in spaces}
        for space, head in heads.items():
            if head.labels != manifest["labels"]:
                raise ModelFileError(f"{folder / space}: labels differ from {folder / 'manifest.json'}")
        return cls(str(manifest["name"]), str(manifest["version"]), heads)


def sentence_findings(
    doc: Document, scores: Matrix, labels: Sequence[str], thresholds: npt.NDArray[np.float32]
) -> tuple[Finding, ...]:
    """A finding per (sentence, technique) whose score reaches the technique's threshold, in text order."""
    out: list[Finding] = []
    for i, j in zip(*np.nonzero(scores >= thresholds[None, :]), strict=True):
        s = doc.sentences[int(i)]
        out.append(Finding(label=labels[int(j)], score=float(scores[i, j]), start=s.start, end=s.end))
    return tuple(sorted(out, key=lambda f: (f.start or 0, f.end or 0, f.label)))
