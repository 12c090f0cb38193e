"""The detector interface and registry.

A detector declares the feature spaces it may read (``requires``); every detector of a run gets the same
``Features`` object per document, which encodes each space once, on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from narrascope.types import DetectorResult, Document

if TYPE_CHECKING:
    from narrascope.reader.runtime import Reading


class Features:
    """Shared encoder output of one document: per feature space, one row per sentence (L2-normalised),
    and the reader's one pass over the whole text (``reading()``: tokens with offsets and their rows).

    Computed on first request and kept, so a space is encoded and the text read at most once per document
    however many detectors ask, and never for a document no detector asks it of.
    """

    def __init__(
        self,
        sentences: dict[str, npt.NDArray[np.float32]] | None = None,
        compute: Callable[[str], npt.NDArray[np.float32]] | None = None,
        read: Callable[[], Reading] | None = None,
    ) -> None:
        self.sentences: dict[str, npt.NDArray[np.float32]] = dict(sentences or {})
        self._compute = compute
        self._read = read
        self._reading: Reading | None = None

    def reading(self) -> Reading:
        """The reader's pass over the document's text, made on first request."""
        if self._reading is None:
            if self._read is None:
                raise KeyError("the reader's pass was not made for this document")
            self._reading = self._read()
        return self._reading

    def get(self, space: str) -> npt.NDArray[np.float32]:
        if space not in self.sentences:
            if self._compute is None:
                raise KeyError(f"feature space {space!r} was not computed for this document")
            self.sentences[space] = self._compute(space)
        return self.sentences[space]


class Detector(Protocol):
    """What every detector offers. ``name`` is the registered versioned name, e.g. ``genre.v1``."""

    name: str
    task: str
    model_version: str
    requires: tuple[str, ...]

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]: ...


_REGISTRY: dict[str, Callable[[], Detector]] = {}


def register(name: str) -> Callable[[Callable[[], Detector]], Callable[[], Detector]]:
    """Register a detector factory under a versioned name (``task.vN``). A published name never changes."""
    if "." not in name:
        raise ValueError(f"detector names are versioned, like 'genre.v1'; got {name!r}")

    def deco(factory: Callable[[], Detector]) -> Callable[[], Detector]:
        _REGISTRY[name] = factory
        return factory

    return deco


def _load_builtins() -> None:
    from narrascope.analyze import builtin  # noqa: F401  (registers the built-in detectors)


def available() -> list[str]:
    """Every registered detector name, sorted."""
    _load_builtins()
    return sorted(_REGISTRY)


def resolve(name: str) -> str:
    """``genre`` -> the newest ``genre.vN``; a full versioned name is returned as is."""
    names = available()
    if name in names:
        return name
    versions = [n for n in names if n.split(".")[0] == name]
    if not versions:
        raise KeyError(f"no detector named {name!r}; available: {', '.join(names) or 'none'}")
    return max(versions, key=lambda n: int(n.split(".v")[-1]))


def get_detector(name: str) -> Detector:
    return _REGISTRY[resolve(name)]()
