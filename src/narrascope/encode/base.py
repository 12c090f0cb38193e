"""The encoder seam: one method, ``encode(texts) -> (n, dim) float32``, rows L2-normalised."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
Offsets = npt.NDArray[np.int64]


class Encoder(Protocol):
    """A sentence encoder. ``space`` names the feature space its vectors live in (heads are trained per
    space); ``version`` changes whenever the vectors would."""

    space: str
    version: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Matrix: ...


@dataclass(frozen=True)
class TokenOutput:
    """The tokens of one text: ``embeddings`` (n_tokens, dim) float32, not normalised, and ``offsets``
    (n_tokens, 2) half-open character offsets into that same text. Special tokens and padding excluded."""

    embeddings: Matrix
    offsets: Offsets


@dataclass(frozen=True)
class FullOutput:
    """One encoder run's results: sentence ``vectors`` (n, dim), L2-normalised, and per-text ``tokens``."""

    vectors: Matrix
    tokens: list[TokenOutput]


class TokenEncoder(Encoder, Protocol):
    """An encoder that also gives token embeddings, for span taggers; ``encode_full`` runs the model once."""

    def encode_tokens(self, texts: Sequence[str]) -> list[TokenOutput]: ...

    def encode_full(self, texts: Sequence[str]) -> FullOutput: ...


_FACTORIES: dict[str, Callable[[], Encoder]] = {}
_LOADED: dict[str, Encoder] = {}


def register_encoder(space: str, factory: Callable[[], Encoder]) -> None:
    _FACTORIES[space] = factory


def spaces() -> list[str]:
    """Every feature space an encoder is registered for (the built-in ones and any registered since)."""
    from narrascope.encode import builtin  # noqa: F401  (registers the built-in spaces)

    return sorted(_FACTORIES)


def get_encoder(space: str) -> Encoder:
    """The process-wide encoder of a feature space, loaded on first use."""
    if space not in _LOADED:
        if space not in _FACTORIES:
            from narrascope.encode import builtin  # noqa: F401  (registers the built-in spaces)
        if space not in _FACTORIES:
            raise KeyError(f"no encoder registered for feature space {space!r}")
        _LOADED[space] = _FACTORIES[space]()
    return _LOADED[space]


def get_token_encoder(space: str) -> TokenEncoder:
    """The encoder of a feature space that also gives token embeddings (``minilm``); TypeError otherwise."""
    encoder = get_encoder(space)
    if not (
        callable(getattr(encoder, "encode_tokens", None)) and callable(getattr(encoder, "encode_full", None))
    ):
        raise TypeError(f"the encoder of feature space {space!r} gives no token embeddings")
    return cast(TokenEncoder, encoder)
