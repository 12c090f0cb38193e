"""From token scores to phrase spans: the decoding every token tagger shares (numpy only).

A technique's phrase is a run of consecutive tokens on one line whose scores reach the technique's
``extend`` cut-off and whose best token reaches its ``seed`` cut-off (hysteresis: a confident token grows
into the words around it that the model also marks). The run's character span is widened to whole words
and trimmed of surrounding spaces and punctuation; its score is its best token's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
_EDGE = " \t\n\r\"'“”‘’«»„()[]{},.;:"  # trimmed from a phrase's two ends ("?" and "!" are kept)


@dataclass(frozen=True)
class Phrase:
    label: str
    start: int
    end: int
    score: float


def _runs(mask: npt.NDArray[np.bool_], line: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """Maximal [a, b) runs of True in ``mask`` that do not cross a line change."""
    out: list[tuple[int, int]] = []
    a = -1
    for i, on in enumerate(mask):
        if on and a >= 0 and line[i] != line[i - 1]:
            out.append((a, i))
            a = i
        elif on and a < 0:
            a = i
        elif not on and a >= 0:
            out.append((a, i))
            a = -1
    if a >= 0:
        out.append((a, len(mask)))
    return out


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to whole words, then trimmed of edge spaces and punctuation."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def line_of_tokens(text: str, offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Each token's 0-based line number in ``text``."""
    breaks = np.flatnonzero(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) == 10)
    return np.searchsorted(breaks, offsets[:, 0], side="right").astype(np.int64)


def phrases(
    text: str,
    offsets: npt.NDArray[np.int64],
    probs: Matrix,
    labels: Sequence[str],
    seed: npt.NDArray[np.float32],
    extend: npt.NDArray[np.float32],
) -> list[Phrase]:
    """Every technique's phrases in ``text``, sorted by position (several techniques may share words)."""
    if len(offsets) == 0:
        return []
    line = line_of_tokens(text, offsets)
    readable = offsets[:, 1] > offsets[:, 0]
    out: list[Phrase] = []
    for j in np.flatnonzero((probs >= seed[None, :]).any(axis=0)):
        col = probs[:, j]
        for a, b in _runs((col >= extend[j]) & readable, line):
            best = float(col[a:b].max())
            if best < seed[j]:
                continue
            start, end = widen(text, int(offsets[a, 0]), int(offsets[b - 1, 1]))
            if end > start:
                out.append(Phrase(labels[int(j)], start, end, best))
    return sorted(out, key=lambda p: (p.start, p.end, p.label))


def paragraph_maxima(
    offsets: npt.NDArray[np.int64], probs: Matrix, paragraphs: Sequence[tuple[int, int]]
) -> Matrix:
    """(paragraphs, labels): the best token score of each technique in each paragraph."""
    out = np.zeros((len(paragraphs), probs.shape[1]), dtype=np.float32)
    starts = offsets[:, 0]
    for k, (a, b) in enumerate(paragraphs):
        rows = (starts >= a) & (starts < b) & (offsets[:, 1] > offsets[:, 0])
        if rows.any():
            out[k] = probs[rows].max(axis=0)
    return out


def spread_to_tokens(
    offsets: npt.NDArray[np.int64], sentences: Sequence[tuple[int, int]], scores: Matrix
) -> Matrix:
    """(tokens, labels): each token gets the scores of the sentence it starts in (zeros outside any)."""
    out = np.zeros((len(offsets), scores.shape[1]), dtype=np.float32)
    if len(offsets) == 0 or len(sentences) == 0:
        return out
    starts = np.array([s for s, _ in sentences])
    ends = np.array([e for _, e in sentences])
    k = np.clip(np.searchsorted(starts, offsets[:, 0], side="right") - 1, 0, None)
    inside = (offsets[:, 0] >= starts[k]) & (offsets[:, 0] < ends[k])
    out[inside] = scores[k[inside]]
    return out
