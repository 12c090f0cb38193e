"""Entity mentions read from the reader's token rows, where letter case cannot mark a name.

The capitalised-span finder sees names by their capitals; Devanagari (and Arabic, CJK...) has none, so in
Hindi it falls back on a list of names. ``MentionTagger`` is a logistic regression over each token's reader
row and the mean of its two neighbours' rows, trained on the SemEval-2025 mention spans (a token is positive
when it overlaps an annotated mention): the runs of tokens above its cut-off, widened to whole words, are
mentions. ``framing.v2`` adds the runs written in a script without letter case that no other finder found
(``extra_mentions``); in cased scripts its runs add mostly noise to the finder's (docs/experiments.md,
``python bench/mention_tagger.py``).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from narrascope.encode.manifest import ModelFileError, write_file
from narrascope.entities.finders import RawMention

Matrix = npt.NDArray[np.float32]
Offsets = npt.NDArray[np.int64]
FILE = "tagger.npz"
CUTS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.5)


def token_features(hidden: npt.NDArray[np.floating]) -> Matrix:
    """Per token: its row, then the mean of the rows before and after it (the ends repeat themselves)."""
    h = np.asarray(hidden, dtype=np.float32)
    if len(h) == 0:
        return np.zeros((0, 2 * h.shape[1] if h.ndim == 2 else 0), dtype=np.float32)
    prev = np.vstack([h[:1], h[:-1]])
    nxt = np.vstack([h[1:], h[-1:]])
    return np.hstack([h, (prev + nxt) / 2]).astype(np.float32)


def token_labels(offsets: Offsets, spans: Sequence[tuple[int, int]]) -> npt.NDArray[np.int8]:
    """1 for each token that overlaps one of ``spans``."""
    o = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    y = np.zeros(len(o), dtype=np.int8)
    for a, b in spans:
        y[(o[:, 0] < b) & (a < o[:, 1])] = 1
    return y


def _in_word(ch: str) -> bool:
    """Letters, combining marks (Devanagari vowel signs), digits and a word's joiners."""
    return unicodedata.category(ch)[0] in "LMN" or ch in "-'’"


def caseless(text: str) -> bool:
    """True when ``text`` has letters and none of them has a case (Devanagari, Arabic, CJK...)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and not any(c.isupper() or c.islower() for c in letters)


def has_caseless(text: str) -> bool:
    """True when ``text`` holds a letter without case (stops at the first)."""
    return any(c.isalpha() and not (c.isupper() or c.islower()) for c in text)


def runs(text: str, offsets: Offsets, keep: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Character spans of the runs of kept tokens (tokens at most one character apart join), widened to
    whole words of ``text``."""
    out: list[tuple[int, int]] = []
    run: tuple[int, int] | None = None
    for (s, e), k in zip(np.asarray(offsets).tolist(), keep.tolist(), strict=True):
        if k and e > s:
            if run is not None and s - run[1] <= 1:
                run = (run[0], e)
                continue
            if run is not None:
                out.append(run)
            run = (s, e)
        elif run is not None:
            out.append(run)
            run = None
    if run is not None:
        out.append(run)
    widened = []
    for s, e in out:
        while s > 0 and _in_word(text[s - 1]):
            s -= 1
        while e < len(text) and _in_word(text[e]):
            e += 1
        if any(c.isalpha() for c in text[s:e]):
            widened.append((s, e))
    return widened


def _overlaps(span: tuple[int, int], others: Sequence[RawMention]) -> bool:
    return any(span[0] < m.end and m.start < span[1] for m in others)


@dataclass
class MentionTagger:
    """``weights`` over ``token_features`` (2 x the reader's width), ``bias`` and the ``cut`` a token's
    probability must reach."""

    weights: Matrix
    bias: float
    cut: float

    def probabilities(self, hidden: npt.NDArray[np.floating]) -> Matrix:
        if hidden.ndim != 2 or 2 * hidden.shape[1] != self.weights.shape[0]:
            raise ModelFileError(
                f"mention tagger: {self.weights.shape[0]} weights, but the reader's rows are "
                f"{hidden.shape[-1]} wide (expected half as many)"
            )
        z = token_features(hidden) @ self.weights + self.bias
        return (1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))).astype(np.float32)

    def spans(self, text: str, offsets: Offsets, hidden: npt.NDArray[np.floating]) -> list[tuple[int, int]]:
        """The tagged runs of ``text`` (``offsets`` and ``hidden``: the reader's tokens and rows of it)."""
        if len(offsets) == 0:
            return []
        return runs(text, offsets, self.probabilities(hidden) >= self.cut)

    def extra_mentions(
        self, text: str, offsets: Offsets, hidden: npt.NDArray[np.floating], found: Sequence[RawMention]
    ) -> list[RawMention]:
        """Tagged runs in a script without letter case that overlap none of ``found``."""
        return [
            RawMention(s, e, text[s:e], "NAME")
            for s, e in self.spans(text, offsets, hidden)
            if caseless(text[s:e]) and not _overlaps((s, e), found)
        ]

    def to_bytes(self) -> bytes:
        """The tagger as the bytes of ``tagger.npz`` (a part of the framing model's folder)."""
        buf = io.BytesIO()
        np.savez(buf, weights=self.weights.astype(np.float32), bias=np.float32(self.bias), cut=self.cut)
        return buf.getvalue()

    def save(self, folder: Path) -> Path:
        return write_file(folder, FILE, self.to_bytes())

    @classmethod
    def load(cls, folder: Path) -> MentionTagger:
        """The tagger saved in ``folder`` (unchecked: a model folder reads it with ``from_bytes``)."""
        path = folder / FILE
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ModelFileError(f"{path}: not a mention tagger ({exc})") from exc
        return cls.from_bytes(data, path)

    @classmethod
    def from_bytes(cls, data: bytes, path: Path) -> MentionTagger:
        """The tagger of ``data``, the bytes of ``path`` (read checked); not a tagger, an error naming it."""
        try:
            with np.load(io.BytesIO(data)) as z:
                weights = np.asarray(z["weights"], dtype=np.float32)
                bias, cut = float(z["bias"]), float(z["cut"])
        except (OSError, KeyError, ValueError) as exc:
            raise ModelFileError(f"{path}: not a mention tagger ({exc})") from exc
        if weights.ndim != 1 or not 0.0 < cut < 1.0:
            raise ModelFileError(
                f"{path}: weights of shape {weights.shape}, cut-off {cut}: not a mention tagger"
            )
        return cls(weights, bias, cut)


def fit_tagger(
    tokens: Sequence[tuple[npt.NDArray[np.floating], npt.NDArray[np.int8]]],
    c: float = 0.5,
    neg: int = 8,
    seed: int = 0,
) -> MentionTagger:
    """A logistic regression on ``(hidden rows, token labels)`` of many texts: every positive token and one
    negative in ``neg`` (weighted ``neg``, so probabilities keep the true prior). The cut-off is set later."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(seed)
    xs, ys, ws = [], [], []
    for hidden, y in tokens:
        x = token_features(hidden)
        keep = (y == 1) | (rng.random(len(x)) < 1.0 / neg)
        xs.append(x[keep])
        ys.append(y[keep])
        ws.append(np.where(y[keep] == 1, 1.0, float(neg)))
    x_all, y_all = np.vstack(xs), np.concatenate(ys)
    if len(set(y_all.tolist())) < 2:
        return MentionTagger(np.zeros(x_all.shape[1], dtype=np.float32), -30.0, 0.5)
    clf = LogisticRegression(C=c, max_iter=300).fit(x_all, y_all, sample_weight=np.concatenate(ws))
    return MentionTagger(clf.coef_[0].astype(np.float32), float(clf.intercept_[0]), 0.5)
