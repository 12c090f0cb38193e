"""The encoder seam: one method, ``encode(texts) -> (n, dim) float32``, rows L2-normalised."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]


class Encoder(Protocol):
    """A sentence encoder. ``space`` names the feature space its vectors live in (heads are trained per space)."""

    space: str
    version: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Matrix: ...


_FACTORIES: dict[str, Callable[[], Encoder]] = {}
_LOADED: dict[str, Encoder] = {}


def register_encoder(space: str, factory: Callable[[], Encoder]) -> None:
    _FACTORIES[space] = factory


def get_encoder(space: str) -> Encoder:
    """The process-wide encoder of a feature space, loaded on first use."""
    if space not in _LOADED:
        if space not in _FACTORIES:
            from narrascope.encode import builtin  # noqa: F401  (registers the built-in spaces)
        if space not in _FACTORIES:
            raise KeyError(f"no encoder registered for feature space {space!r}")
        _LOADED[space] = _FACTORIES[space]()
    return _LOADED[space]
