"""Long texts read in overlapping windows; each token's output is taken from the window where it sits
farthest from an edge, so every token gets exactly one output row and offsets stay those of the text."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SIZE = 256  # positions per window, special tokens included
OVERLAP = 64  # tokens shared by neighbouring windows


@dataclass(frozen=True)
class Window:
    """Tokens ``[start, end)`` of the text are read; rows ``[keep_start, keep_end)`` of them are kept."""

    start: int
    end: int
    keep_start: int
    keep_end: int


def windows(n_tokens: int, size: int = SIZE, overlap: int = OVERLAP) -> list[Window]:
    """Windows of at most ``size - 2`` tokens (room for ``<s>`` and ``</s>``) covering ``n_tokens``."""
    body = size - 2
    if body <= 2 * overlap:
        raise ValueError("window size must exceed twice the overlap (plus the two special tokens)")
    if n_tokens <= body:
        return [Window(0, n_tokens, 0, n_tokens)]
    step = body - overlap
    starts = [*range(0, n_tokens - body, step), n_tokens - body]
    # each boundary between windows k and k+1 sits in the middle of their overlap
    bounds = [0, *((starts[k + 1] + starts[k] + body) // 2 for k in range(len(starts) - 1)), n_tokens]
    return [Window(s, s + body, bounds[k], bounds[k + 1]) for k, s in enumerate(starts)]


def window_ids(ids: npt.NDArray[np.int64], size: int = SIZE) -> tuple[npt.NDArray[np.int64], list[Window]]:
    """One text's token ids as a batch of windows, each framed by ``<s>`` and ``</s>``, padded with
    ``<pad>``; and the windows."""
    from narrascope.reader.tokenizer import BOS, EOS, PAD

    wins = windows(len(ids), size)
    width = max(w.end - w.start for w in wins) + 2
    batch = np.full((len(wins), width), PAD, dtype=np.int64)
    for b, w in enumerate(wins):
        n = w.end - w.start
        batch[b, 0], batch[b, 1 : n + 1], batch[b, n + 1] = BOS, ids[w.start : w.end], EOS
    return batch, wins


def merge(rows: npt.NDArray[np.float32], wins: list[Window], n_tokens: int) -> npt.NDArray[np.float32]:
    """(windows, width, k) outputs -> (n_tokens, k): each token's row from the window that keeps it."""
    out = np.zeros((n_tokens, rows.shape[-1]), dtype=np.float32)
    for b, w in enumerate(wins):
        a, z = w.keep_start - w.start, w.keep_end - w.start
        out[w.keep_start : w.keep_end] = rows[b, 1 + a : 1 + z]
    return out
