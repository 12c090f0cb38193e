"""all-MiniLM-L6-v2 served as int8 ONNX: sentence vectors and token embeddings from one run, no torch.

Texts longer than ``max_length`` tokens (256 by default, counting [CLS] and [SEP]) are truncated: the
pooled vector and the token outputs cover only their start. Feed sentences or paragraphs, not articles.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from narrascope.encode.base import FullOutput, Matrix, TokenOutput
from narrascope.encode.manifest import MODELS_DIR, Manifest, read_manifest

DEFAULT_DIR = MODELS_DIR / "minilm-l6-v2-int8"
SHRINK = 0.7  # a batch ends where the next (shorter) text is under this share of the batch's longest


@dataclass(frozen=True)
class _Batch:
    rows: list[int]  # positions of the batch's texts in the caller's list
    input_ids: npt.NDArray[np.int64]
    attention_mask: npt.NDArray[np.int64]
    special: npt.NDArray[np.bool_]  # [CLS] / [SEP] positions
    offsets: npt.NDArray[np.int64]  # (batch, seq, 2)


def default_threads() -> int:
    """``NARRASCOPE_THREADS`` if set, else the cores this process may run on."""
    env = os.environ.get("NARRASCOPE_THREADS", "").strip()
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class MiniLMEncoder:
    """English sentence encoder (feature space ``minilm``, 384 dimensions)."""

    space = "minilm"

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        max_length: int | None = None,
        batch_size: int = 32,
        threads: int | None = None,
        verify: bool = True,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir) if model_dir is not None else DEFAULT_DIR
        # the two files are read once below, their sha256s checked then
        self.manifest: Manifest = read_manifest(self.model_dir, check_files=False)
        self.version = f"{self.manifest.name}/{self.manifest.version}"
        self.dim = self.manifest.integer("dim")
        self.max_length = max_length or self.manifest.integer("max_seq_length")
        self.batch_size = batch_size
        # a fine-tuned reader's head is trained on the raw mean-pooled vectors (``normalize: false``)
        self.normalize = bool(self.manifest.raw.get("normalize", True))
        model = self.manifest.read_checked("model.onnx", verify=verify)
        tokenizer = self.manifest.read_checked("tokenizer.json", verify=verify)
        self._tokenizer = Tokenizer.from_str(tokenizer.decode("utf-8"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(self.max_length)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        # fold the int8 weights' DequantizeLinear nodes into float32 constants once, at load
        options.add_session_config_entry("session.disable_quant_qdq", "1")
        self._session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> Matrix:
        """(n, dim) float32 sentence vectors, mean-pooled over tokens and L2-normalised (unless the
        manifest says ``normalize: false``)."""
        return self._run(texts, want_tokens=False).vectors

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenOutput]:
        """Per text, its token embeddings and their character offsets (for span taggers)."""
        return self._run(texts, want_tokens=True).tokens

    def encode_full(self, texts: Sequence[str]) -> FullOutput:
        """Sentence vectors and token outputs from a single ONNX run."""
        return self._run(texts, want_tokens=True)

    def _run(self, texts: Sequence[str], *, want_tokens: bool) -> FullOutput:
        if isinstance(texts, str):
            raise TypeError("encode takes a sequence of texts, not one string")
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        tokens: list[TokenOutput | None] = [None] * len(texts)
        for batch in self._batches(texts):
            (hidden,) = self._session.run(
                None, {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask}
            )
            vectors[batch.rows] = _mean_pool(hidden, batch.attention_mask, normalize=self.normalize)
            if want_tokens:
                keep = batch.attention_mask.astype(bool) & ~batch.special
                for j, row in enumerate(batch.rows):
                    tokens[row] = TokenOutput(
                        embeddings=np.ascontiguousarray(hidden[j][keep[j]], dtype=np.float32),
                        offsets=np.ascontiguousarray(batch.offsets[j][keep[j]]),
                    )
        return FullOutput(vectors=vectors, tokens=[t for t in tokens if t is not None])

    def _batches(self, texts: Sequence[str]) -> Iterator[_Batch]:
        """Batches of texts of similar token length (longest first), so padding stays small: a batch ends
        at ``batch_size`` texts, or where the next text is shorter than ``SHRINK`` times the batch's longest.
        Within one article the lengths are spread out, and a fixed batch of 32 padded its short sentences to
        its few long ones (about a quarter of the English mode's time); across many articles the sorted
        lengths are close, and batches stay full. The weights are int8 but the arithmetic is float32 and
        masked, so a text's vector does not depend on how it is batched."""
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        order = sorted(range(len(texts)), key=lambda i: -len(encodings[i].ids))
        groups: list[list[int]] = []
        for i in order:
            if (
                not groups
                or len(groups[-1]) == self.batch_size
                or len(encodings[i].ids) < SHRINK * len(encodings[groups[-1][0]].ids)
            ):
                groups.append([])
            groups[-1].append(i)
        for rows in groups:
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            special = np.zeros((len(rows), width), dtype=np.bool_)
            offsets = np.zeros((len(rows), width, 2), dtype=np.int64)
            for j, i in enumerate(rows):
                enc = encodings[i]
                n = len(enc.ids)
                ids[j, :n] = enc.ids
                mask[j, :n] = 1
                special[j, :n] = enc.special_tokens_mask
                offsets[j, :n] = enc.offsets
            yield _Batch(rows, ids, mask, special, offsets)


def _mean_pool(hidden: Matrix, mask: npt.NDArray[np.int64], *, normalize: bool = True) -> Matrix:
    weights = mask.astype(np.float32)[:, :, None]
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.maximum(weights.sum(axis=1), 1e-9)
    if not normalize:
        return pooled.astype(np.float32)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
