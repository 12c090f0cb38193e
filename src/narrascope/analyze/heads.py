"""Trained heads over pooled sentence embeddings: a linear model in ``weights.npz`` + ``manifest.json``.

The manifest (name, version, labels, feature space, training data, held-out figures, file checksums) is
read and checked at load by ``encode.manifest.read_manifest``, the one manifest reader: a missing or altered
weights file is an error naming the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.encode.manifest import (
    MANIFEST,
    Manifest,
    ModelFileError,
    ModelFolder,
    read_manifest,
    sha256_file,
)

__all__ = ["MANIFEST", "WEIGHTS", "LinearHead", "ModelFileError", "pool", "read_manifest", "sha256_file"]

Vector = npt.NDArray[np.float32]
WEIGHTS = "weights.npz"


def pool(sentences: npt.NDArray[np.float32]) -> Vector:
    """Document vector: mean and max of the sentence embeddings, concatenated (zeros for no sentences)."""
    dim = sentences.shape[1]
    if sentences.shape[0] == 0:
        return np.zeros(2 * dim, dtype=np.float32)
    mean = sentences.mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    return np.concatenate([mean / norm, sentences.max(axis=0)]).astype(np.float32)


@dataclass
class LinearHead:
    """``scores = f(X @ W.T + b)``: softmax for single-label (``multi_label=False``), sigmoid otherwise.

    ``thresholds`` (multi-label) are per-label decision cut-offs tuned on held-out folds.
    """

    name: str
    version: str
    space: str
    labels: list[str]
    multi_label: bool
    coef: npt.NDArray[np.float32]
    intercept: npt.NDArray[np.float32]
    thresholds: npt.NDArray[np.float32]
    info: dict[str, Any] = field(default_factory=dict)
    # optional (labels, buckets) weights over hashed n-gram features (see ``narrascope.analyze.lexical``)
    lexical: npt.NDArray[np.float32] | None = None
    _columns: npt.NDArray[np.float32] | None = field(default=None, init=False, repr=False, compare=False)
    _columns_of: npt.NDArray[np.float32] | None = field(default=None, init=False, repr=False, compare=False)

    def scores(self, x: npt.NDArray[np.float32], lex: Any = None) -> npt.NDArray[np.float32]:
        """Scores of the rows of ``x``; ``lex``, a sparse (rows, buckets) matrix of hashed n-grams, adds
        the lexical part when the head has one."""
        z = np.atleast_2d(x).astype(np.float32) @ self.coef.T + self.intercept
        if self.lexical is not None and lex is not None:
            z = z + np.asarray(lex @ self._lexical_columns(), dtype=np.float32)
        if self.multi_label:
            return (1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))).astype(np.float32)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)

    def _lexical_columns(self) -> npt.NDArray[np.float32]:
        """``lexical.T`` as a contiguous array, made once: sparse @ a transposed view would copy the
        whole (buckets, labels) matrix on every call."""
        assert self.lexical is not None
        if self._columns is None or self._columns_of is not self.lexical:
            self._columns = np.ascontiguousarray(self.lexical.T)
            self._columns_of = self.lexical
        return self._columns

    def model_folder(self) -> ModelFolder:
        """The head as a model folder to write: ``weights.npz``; ``info`` after ``files`` in its manifest."""
        coef, icpt, cuts = (
            self.coef.astype(np.float16),
            self.intercept.astype(np.float32),
            self.thresholds.astype(np.float32),
        )
        buf = io.BytesIO()
        if self.lexical is None:
            np.savez_compressed(buf, coef=coef, intercept=icpt, thresholds=cuts)
        else:
            codes, scale = quantize_rows(self.lexical)
            np.savez_compressed(
                buf, coef=coef, intercept=icpt, thresholds=cuts, lexical_codes=codes, lexical_scale=scale
            )
        fields = {
            "name": self.name,
            "version": self.version,
            "space": self.space,
            "labels": self.labels,
            "multi_label": self.multi_label,
        }
        return ModelFolder(fields, files={WEIGHTS: buf.getvalue()}, record=self.info)

    def save(self, folder: Path) -> None:
        self.model_folder().write(folder)

    @classmethod
    def load(cls, folder: Path) -> LinearHead:
        return cls.from_manifest(read_manifest(folder, check_files=False))

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> LinearHead:
        """The head of a manifest read unchecked (its own folder's, or a composite's ``Manifest.part``):
        the weights are read once and checked, every other listed file checked."""
        folder = manifest.folder
        manifest.check_files(but=(WEIGHTS,))
        labels = manifest.require("labels")
        with np.load(io.BytesIO(manifest.read_checked(WEIGHTS))) as w:  # read once, its sha256 checked
            coef, intercept, thresholds = w["coef"], w["intercept"], w["thresholds"]
            lexical = (
                dequantize_rows(w["lexical_codes"], w["lexical_scale"]) if "lexical_codes" in w else None
            )
        if coef.shape[0] != len(labels):
            raise ModelFileError(f"{folder / WEIGHTS}: {coef.shape[0]} rows for {len(labels)} labels")
        info = {
            k: v
            for k, v in manifest.raw.items()
            if k not in {"name", "version", "space", "labels", "multi_label", "files"}
        }
        return cls(
            name=manifest.name,
            version=manifest.version,
            space=str(manifest.require("space")),
            labels=[str(label) for label in labels],
            multi_label=bool(manifest.require("multi_label")),
            coef=coef.astype(np.float32),
            intercept=intercept.astype(np.float32),
            thresholds=thresholds.astype(np.float32),
            info=info,
            lexical=lexical,
        )


def quantize_rows(w: npt.NDArray[np.float32]) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float32]]:
    """Symmetric int8 codes per row and the row scales: ``w ~= codes * scale[:, None]``."""
    scale = (np.abs(w).max(axis=1) / 127.0).astype(np.float32)
    safe = np.where(scale > 0, scale, 1.0)
    codes = np.clip(np.rint(w / safe[:, None]), -127, 127).astype(np.int8)
    return codes, scale


def dequantize_rows(codes: npt.NDArray[np.int8], scale: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    out: npt.NDArray[np.float32] = (codes.astype(np.float32) * scale[:, None]).astype(np.float32)
    return out
