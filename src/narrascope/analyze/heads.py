"""Trained heads over pooled sentence embeddings: a linear model in ``weights.npz`` + ``manifest.json``.

The manifest (name, version, labels, feature space, training data, held-out figures, file checksums) is
checked at load: a missing or altered weights file is an error naming the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.encode.manifest import ModelFileError, sha256_file

__all__ = ["MANIFEST", "WEIGHTS", "LinearHead", "ModelFileError", "pool", "read_manifest", "sha256_file"]

Vector = npt.NDArray[np.float32]
MANIFEST = "manifest.json"
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

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        coef, icpt, cuts = (
            self.coef.astype(np.float16),
            self.intercept.astype(np.float32),
            self.thresholds.astype(np.float32),
        )
        if self.lexical is None:
            np.savez_compressed(folder / WEIGHTS, coef=coef, intercept=icpt, thresholds=cuts)
        else:
            codes, scale = quantize_rows(self.lexical)
            np.savez_compressed(
                folder / WEIGHTS,
                coef=coef,
                intercept=icpt,
                thresholds=cuts,
                lexical_codes=codes,
                lexical_scale=scale,
            )
        manifest = {
            "name": self.name,
            "version": self.version,
            "space": self.space,
            "labels": self.labels,
            "multi_label": self.multi_label,
            "files": {WEIGHTS: sha256_file(folder / WEIGHTS)},
            **self.info,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, folder: Path) -> LinearHead:
        manifest = read_manifest(folder)
        with np.load(folder / WEIGHTS) as w:
            coef, intercept, thresholds = w["coef"], w["intercept"], w["thresholds"]
            lexical = (
                dequantize_rows(w["lexical_codes"], w["lexical_scale"]) if "lexical_codes" in w else None
            )
        if coef.shape[0] != len(manifest["labels"]):
            raise ModelFileError(
                f"{folder / WEIGHTS}: {coef.shape[0]} rows for {len(manifest['labels'])} labels"
            )
        info = {
            k: v
            for k, v in manifest.items()
            if k not in {"name", "version", "space", "labels", "multi_label", "files"}
        }
        return cls(
            name=manifest["name"],
            version=manifest["version"],
            space=manifest["space"],
            labels=list(manifest["labels"]),
            multi_label=bool(manifest["multi_label"]),
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


def read_manifest(folder: Path) -> dict[str, Any]:
    """Read a model folder's manifest and check every listed file's checksum."""
    path = folder / MANIFEST
    if not path.is_file():
        raise ModelFileError(f"{path}: model manifest missing")
    try:
        manifest: dict[str, Any] = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{path}: manifest is not valid JSON ({exc})") from exc
    for rel, digest in manifest.get("files", {}).items():
        f = folder / rel
        if not f.is_file():
            raise ModelFileError(f"{f}: model file missing")
        if sha256_file(f) != digest:
            raise ModelFileError(f"{f}: checksum does not match {path}; the file was altered or corrupted")
    return manifest
