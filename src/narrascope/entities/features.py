"""Features of an entity mention for the role heads, built from the shared sentence embeddings only.

Per mention, concatenated: the embedding of its sentence; the mean embedding of every sentence that mentions
the same entity (the article's whole portrayal of it); the article's mean embedding; a hashed bag of the
entity name's words (``NAME_BUCKETS``), a one-hot of the known actors, of the language, and four numbers
(relative position of the mention, log mention count of its entity, mention in the first sentence, camp),
the article's and the entity context's embeddings times the entity's camp in the war in Ukraine
(``aliases.camp``: the stance toward a camp is an interaction a linear head cannot form by itself), and a
hashed bag of the words around the mention.
No extra encoder pass: the cost on top of the shared pass is a few matrix means per mention.

``reader_mention_rows`` adds what the reader's one pass over the article says of the mention at token level:
the rows of its own tokens, of its entity's mentions, and of the tokens around it.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from narrascope.encode.manifest import sha256_bytes
from narrascope.entities.aliases import ACTORS, camp, normalise
from narrascope.types import Span

Matrix = npt.NDArray[np.float32]
NAME_BUCKETS = 256
WINDOW_BUCKETS = 1024
WINDOW_WORDS = 8
_TOKEN = re.compile(r"\w+", re.UNICODE)
LANGS: tuple[str, ...] = ("bg", "en", "hi", "pt", "ru")
_ACTORS = list(ACTORS)


@dataclass(frozen=True)
class MentionRef:
    """What the features need of one mention: half-open offsets and its entity's canonical name."""

    start: int
    end: int
    entity: str


def sentence_of(sentences: Sequence[Span], offset: int) -> int:
    """Index of the sentence holding ``offset`` (the nearest one before it when it falls between); -1 if
    there is no sentence."""
    best = -1
    for k, s in enumerate(sentences):
        if s.start <= offset:
            best = k
        if offset < s.end:
            break
    return best if best >= 0 or not sentences else 0


def _unit(v: Matrix) -> Matrix:
    n = float(np.linalg.norm(v))
    return (v / n).astype(np.float32) if n > 0 else v.astype(np.float32)


@lru_cache(maxsize=4096)
def name_vector(entity: str) -> Matrix:
    """Hashed bag of the entity name's words plus the whole name, then the known-actor one-hot."""
    v = np.zeros(NAME_BUCKETS + len(_ACTORS), dtype=np.float32)
    norm = normalise(entity)
    for token in [*norm.split(), "=" + norm]:
        v[zlib.crc32(token.encode("utf-8")) % NAME_BUCKETS] = 1.0
    v[:NAME_BUCKETS] = _unit(v[:NAME_BUCKETS])
    if entity in ACTORS:
        v[NAME_BUCKETS + _ACTORS.index(entity)] = 1.0
    return v


def window_vector(text: str, start: int, end: int) -> Matrix:
    """Hashed bag of the ``WINDOW_WORDS`` words before and after the mention (lower case), the two sides
    hashed apart, L2-normalised: who does what to whom, near the mention."""
    left = _TOKEN.findall(text[max(0, start - 12 * WINDOW_WORDS) : start])[-WINDOW_WORDS:]
    right = _TOKEN.findall(text[end : end + 12 * WINDOW_WORDS])[:WINDOW_WORDS]
    buckets = [b for w in left for b in _window_buckets("<", w.lower())]
    buckets += [b for w in right for b in _window_buckets(">", w.lower())]
    if not buckets:
        return np.zeros(WINDOW_BUCKETS, dtype=np.float32)
    return _unit(np.bincount(buckets, minlength=WINDOW_BUCKETS).astype(np.float32))


@lru_cache(maxsize=65536)
def _window_buckets(side: str, word: str) -> tuple[int, int]:
    """The two buckets a window word counts in: with its side, and without."""
    return (
        zlib.crc32((side + word).encode("utf-8")) % WINDOW_BUCKETS,
        zlib.crc32(word.encode("utf-8")) % WINDOW_BUCKETS,
    )


def feature_digest() -> str:
    """sha256 of what fixes the meaning of each feature column besides the embeddings: the known actors in
    order with their camps, the languages, the hashing widths and the window. A framing model records it;
    a model trained with another gazetteer or layout is refused at load instead of misreading its columns."""
    layout = {
        "actors": [[a, camp(a)] for a in _ACTORS],
        "langs": list(LANGS),
        "name_buckets": NAME_BUCKETS,
        "window_buckets": WINDOW_BUCKETS,
        "window_words": WINDOW_WORDS,
        "reader_window": READER_WINDOW,
    }
    return sha256_bytes(json.dumps(layout, ensure_ascii=False).encode("utf-8"))


def feature_dim(dim: int) -> int:
    return 5 * dim + NAME_BUCKETS + len(_ACTORS) + len(LANGS) + 4 + WINDOW_BUCKETS


def _context(embeddings: Matrix, where: Sequence[int], dim: int) -> Matrix:
    """Mean embedding (normalised) of the sentences that mention an entity."""
    ks = sorted({j for j in where if j >= 0})
    return _unit(embeddings[ks].mean(axis=0)) if ks else np.zeros(dim, dtype=np.float32)


def mention_features(
    embeddings: Matrix, sentences: Sequence[Span], text: str, mentions: Sequence[MentionRef], lang: str
) -> Matrix:
    """(n_mentions, ``feature_dim(dim)``) features of the mentions of one document."""
    dim = embeddings.shape[1]
    out = np.zeros((len(mentions), feature_dim(dim)), dtype=np.float32)
    if not mentions:
        return out
    has = embeddings.shape[0] > 0 and embeddings.shape[0] == len(sentences)
    doc_mean = _unit(embeddings.mean(axis=0)) if has else np.zeros(dim, dtype=np.float32)
    where = [sentence_of(sentences, m.start) if has else -1 for m in mentions]
    by_entity: dict[str, list[int]] = {}
    for m, k in zip(mentions, where, strict=True):
        by_entity.setdefault(m.entity, []).append(k)
    lang_hot = np.array([float(lang == x) for x in LANGS], dtype=np.float32)
    contexts = {e: _context(embeddings, ks, dim) for e, ks in by_entity.items()}
    for i, (m, k) in enumerate(zip(mentions, where, strict=True)):
        side = camp(m.entity)
        sent = embeddings[k] if k >= 0 else np.zeros(dim, dtype=np.float32)
        ctx = contexts[m.entity]
        extra = np.array(
            [m.start / max(1, len(text)), math.log1p(len(by_entity[m.entity])) / 3.0, float(k == 0), side],
            dtype=np.float32,
        )
        window = window_vector(text, m.start, m.end)
        parts = [
            sent,
            ctx,
            doc_mean,
            side * doc_mean,
            side * ctx,
            name_vector(m.entity),
            lang_hot,
            extra,
            window,
        ]
        out[i] = np.concatenate(parts)
    return out


READER_WINDOW = 32  # tokens either side of a mention whose reader rows form its local context


def token_span(offsets: npt.NDArray[np.int64], start: int, end: int) -> tuple[int, int]:
    """Indices ``[a, b)`` of the tokens overlapping the character span ``[start, end)`` (at least one token,
    the nearest, when none overlaps); ``offsets`` are the tokens' (start, end) in text order."""
    n = len(offsets)
    a = min(int(np.searchsorted(offsets[:, 1], start, side="right")), n - 1)
    b = min(max(int(np.searchsorted(offsets[:, 0], end, side="left")), a + 1), n)
    return a, b


def reader_dim(dim: int) -> int:
    return 3 * dim


def reader_mention_rows(
    hidden: Matrix, offsets: npt.NDArray[np.int64], mentions: Sequence[MentionRef]
) -> Matrix:
    """(n_mentions, ``reader_dim(dim)``) from the reader's token rows of the article: the mean rows
    (normalised) of the mention's own tokens, of every mention of its entity in the article, and of the
    ``READER_WINDOW`` tokens either side of it."""
    dim = hidden.shape[1]
    out = np.zeros((len(mentions), reader_dim(dim)), dtype=np.float32)
    if not mentions or len(hidden) == 0:
        return out
    spans = [token_span(offsets, m.start, m.end) for m in mentions]
    own = [_unit(hidden[a:b].mean(axis=0)) for a, b in spans]
    by_entity: dict[str, list[int]] = {}
    for i, m in enumerate(mentions):
        by_entity.setdefault(m.entity, []).append(i)
    entity = {e: _unit(np.mean([own[i] for i in ix], axis=0)) for e, ix in by_entity.items()}
    for i, (m, (a, b)) in enumerate(zip(mentions, spans, strict=True)):
        window = hidden[max(0, a - READER_WINDOW) : b + READER_WINDOW]
        out[i] = np.concatenate([own[i], entity[m.entity], _unit(window.mean(axis=0))])
    return out
