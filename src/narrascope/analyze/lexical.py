"""Hashed word n-gram features: the lexical evidence sentence embeddings blur (loaded words, labels).

Each text becomes a sparse row over ``buckets`` columns: its lower-cased word unigrams and bigrams, hashed
with CRC-32 (stable across runs and machines, unlike Python's ``hash``), each present n-gram counted once
and the row scaled by ``1/sqrt(n)`` so long sentences do not dominate. No vocabulary is stored: the
weights of a head are all it needs.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

BUCKETS = 2**16
_WORD = re.compile(r"\w+")


def ngrams(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams of ``text``."""
    words = _WORD.findall(text.lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def hashed_ngrams(texts: Sequence[str], buckets: int = BUCKETS) -> Any:
    """A ``scipy.sparse.csr_matrix`` (len(texts), buckets) of hashed, scaled n-gram indicators."""
    import scipy.sparse as sp

    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for text in texts:
        cols = sorted({zlib.crc32(g.encode("utf-8")) % buckets for g in ngrams(text)})
        indices += cols
        values += [1.0 / np.sqrt(len(cols))] * len(cols) if cols else []
        indptr.append(len(indices))
    return sp.csr_matrix(
        (np.asarray(values, np.float32), np.asarray(indices, np.int32), np.asarray(indptr, np.int64)),
        shape=(len(texts), buckets),
    )
