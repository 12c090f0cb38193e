"""The detector interface and registry.

A detector declares the feature spaces it may read (``requires``); every detector of a run gets the same
``Features`` object per document, which encodes each space once, on first use.

The registry holds factories under versioned names: the built-in ones (``analyze.builtin``, ``@register``)
and those of installed third-party packages, read from the entry-point group ``narrascope.detectors``
(``fixture.v1 = my_package.detectors:fixture_v1``: the name is the detector's, the value a zero-argument
factory returning a ``Detector``). Both are loaded on the first listing or lookup. A plugin that fails to
load, or that names a detector already registered, is an error naming its entry point.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from narrascope.types import DetectorResult, Document, NarrascopeError

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


ENTRY_POINT_GROUP = "narrascope.detectors"
Factory = Callable[[], Detector]
_REGISTRY: dict[str, Factory] = {}
_PLUGINS: dict[str, str] = {}  # detector name -> the entry point that registered it
_plugins_loaded = False
_LOCK = threading.RLock()  # the first listing may come from a server's threads at once


class PluginError(NarrascopeError, RuntimeError):
    """A third-party detector's entry point failed to load, or names a detector registered already."""


def register(name: str) -> Callable[[Factory], Factory]:
    """Register a detector factory under a versioned name (``task.vN``). A published name never changes."""
    _check_versioned(name)

    def deco(factory: Factory) -> Factory:
        _REGISTRY[name] = factory
        return factory

    return deco


def _check_versioned(name: str) -> None:
    if "." not in name:
        raise ValueError(f"detector names are versioned, like 'genre.v1'; got {name!r}")


def _load_builtins() -> None:
    from narrascope.analyze import builtin  # noqa: F401  (registers the built-in detectors)


def _describe(ep: metadata.EntryPoint) -> str:
    dist = f" (from {ep.dist.name} {ep.dist.version})" if ep.dist is not None else ""
    return f"entry point {ep.name!r} = {ep.value!r} in group {ENTRY_POINT_GROUP!r}{dist}"


def _load_plugins() -> None:
    """Register every installed ``narrascope.detectors`` entry point, once (``reset_plugins`` rescans).
    On an error none of them stays registered, and the next listing tries again."""
    global _plugins_loaded
    with _LOCK:
        if _plugins_loaded:
            return
        _load_builtins()
        try:
            for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
                _register_plugin(ep)
        except PluginError:
            reset_plugins()
            raise
        _plugins_loaded = True


def _register_plugin(ep: metadata.EntryPoint) -> None:
    where = _describe(ep)
    task, _, version = ep.name.partition(".")
    if not (task and version[:1] == "v" and version[1:].isdigit()):
        raise PluginError(f"{where}: detector names are versioned, like 'genre.v1'")
    if ep.name in _REGISTRY:
        owner = _PLUGINS.get(ep.name, "built in, or by register()")
        raise PluginError(f"{where}: {ep.name!r} is registered already ({owner}); a plugin cannot replace it")
    before = dict(_REGISTRY)
    try:
        factory = ep.load()
    except Exception as exc:  # whatever a third-party import raises: report it with its entry point
        raise PluginError(f"{where} failed to load: {type(exc).__name__}: {exc}") from exc
    replaced = sorted(n for n, f in before.items() if _REGISTRY.get(n) is not f)
    if replaced:  # importing the plugin re-registered names with ``register``
        _REGISTRY.update(before)
        raise PluginError(f"{where}: importing it replaced registered detectors: {', '.join(replaced)}")
    if not callable(factory):
        raise PluginError(f"{where}: {ep.value!r} is not a zero-argument detector factory")
    _REGISTRY[ep.name] = factory
    _PLUGINS[ep.name] = where


def reset_plugins() -> None:
    """Forget the detectors registered from entry points; the next listing or lookup reads them again."""
    global _plugins_loaded
    with _LOCK:
        for name in _PLUGINS:
            _REGISTRY.pop(name, None)
        _PLUGINS.clear()
        _plugins_loaded = False


def available() -> list[str]:
    """Every registered detector name, sorted: the built-in ones and the installed plugins'."""
    _load_plugins()
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
