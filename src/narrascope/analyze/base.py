"""The detector interface and registry.

A detector declares the feature spaces it reads (``requires``); the detectors of a run share one
``Features`` object per document, which encodes each space once, on first use, and each detector reads it
through a view that holds it to its ``requires`` (``Features.restricted``).

The registry holds factories under versioned names, each with its ``DetectorSpec`` (``analyze.spec``): the
built-in ones (``analyze.builtin``, ``register(name, spec)``) and those of installed third-party packages,
read from the entry-point group ``narrascope.detectors`` (``fixture.v1 = my_package.detectors:fixture_v1``:
the name is the detector's, the value a zero-argument factory returning a ``Detector``, whose ``spec``
attribute, when it has one, is its spec). Both are loaded on the first listing or lookup. A plugin that fails
to load, that names a detector already registered, or whose spec is not one, is an error naming its entry
point.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from narrascope.analyze.spec import DetectorSpec, minimal_spec
from narrascope.types import DetectorResult, Document, NarrascopeError, task_of

if TYPE_CHECKING:
    from narrascope.reader.runtime import Reading


READER_SPACE = "reader"  # what a detector that reads the reader's pass (``Features.reading``) requires


class FeatureSpaceError(NarrascopeError, LookupError):
    """A detector requires a feature space no encoder provides, or reads one it did not declare."""


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

    def restricted(self, who: str, requires: Sequence[str]) -> Features:
        """This document's features as the detector ``who`` may read them: the spaces of ``requires``
        (``reading()`` needs ``reader``), shared with every other view; another is a ``FeatureSpaceError``."""
        return _Restricted(self, who, tuple(requires))


class _Restricted(Features):
    def __init__(self, shared: Features, who: str, requires: tuple[str, ...]) -> None:
        super().__init__()
        self.sentences = shared.sentences
        self._shared, self._who, self._requires = shared, who, requires

    def _check(self, space: str) -> None:
        if space not in self._requires:
            declared = ", ".join(self._requires) or "none"
            raise FeatureSpaceError(
                f"detector {self._who} read feature space {space!r}, which its requires does not declare "
                f"(declared: {declared})"
            )

    def reading(self) -> Reading:
        self._check(READER_SPACE)
        return self._shared.reading()

    def get(self, space: str) -> npt.NDArray[np.float32]:
        self._check(space)
        return self._shared.get(space)


class Detector(Protocol):
    """What every detector offers. ``name`` is the registered versioned name, e.g. ``genre.v1``."""

    name: str
    task: str
    model_version: str
    requires: tuple[str, ...]

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]: ...


@runtime_checkable
class GivenRoles(Protocol):
    """A detector that decides the roles of entity mentions it is given (the official SemEval-2025 subtask-1
    setting): one TAB-joined ``main<TAB>fine...`` per ``(entity, start, end_inclusive)``, in order."""

    name: str

    def given_roles(
        self, doc: Document, feat: Features, given: Sequence[tuple[str, int, int]]
    ) -> list[str]: ...


ENTRY_POINT_GROUP = "narrascope.detectors"
Factory = Callable[[], Detector]
_REGISTRY: dict[str, Factory] = {}
_SPECS: dict[str, DetectorSpec] = {}  # detector name -> its spec, in registration order
_PLUGINS: dict[str, str] = {}  # detector name -> the entry point that registered it
_plugins_loaded = False
_LOCK = threading.RLock()  # the first listing may come from a server's threads at once


class MissingDetectorError(NarrascopeError):
    """The task needs a detector this installation does not have."""


class PluginError(NarrascopeError, RuntimeError):
    """A third-party detector's entry point failed to load, or names a detector registered already."""


def register(name: str, spec: DetectorSpec | None = None) -> Callable[[Factory], Factory]:
    """Register a detector factory under a versioned name (``task.vN``) with its spec (without one: the
    ``minimal_spec`` of its task). A published name never changes."""
    _check_versioned(name)
    checked = _checked_spec(name, spec)

    def deco(factory: Factory) -> Factory:
        _REGISTRY[name] = factory
        _SPECS[name] = checked
        return factory

    return deco


def _check_versioned(name: str) -> None:
    if "." not in name:
        raise ValueError(f"detector names are versioned, like 'genre.v1'; got {name!r}")


def _checked_spec(name: str, spec: object) -> DetectorSpec:
    if spec is None:
        return minimal_spec(task_of(name))
    if not isinstance(spec, DetectorSpec):
        raise TypeError(f"{name}: its spec is a {type(spec).__name__}, not a DetectorSpec")
    if spec.task != task_of(name):
        raise ValueError(f"{name}: its spec serves {spec.task!r}, but the name serves {task_of(name)!r}")
    return spec


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
    before, before_specs = dict(_REGISTRY), dict(_SPECS)
    try:
        factory = ep.load()
    except Exception as exc:  # whatever a third-party import raises: report it with its entry point
        raise PluginError(f"{where} failed to load: {type(exc).__name__}: {exc}") from exc
    replaced = sorted(n for n, f in before.items() if _REGISTRY.get(n) is not f)
    if replaced:  # importing the plugin re-registered names with ``register``
        _REGISTRY.update(before)
        _SPECS.update(before_specs)
        raise PluginError(f"{where}: importing it replaced registered detectors: {', '.join(replaced)}")
    if not callable(factory):
        raise PluginError(f"{where}: {ep.value!r} is not a zero-argument detector factory")
    try:
        spec = _checked_spec(ep.name, getattr(factory, "spec", None))
    except (TypeError, ValueError) as exc:
        raise PluginError(f"{where}: {exc}") from exc
    if spec.default:
        raise PluginError(f"{where}: a plugin runs when named (--detectors), so its spec cannot be default")
    _REGISTRY[ep.name] = factory
    _SPECS[ep.name] = spec
    _PLUGINS[ep.name] = where


def reset_plugins() -> None:
    """Forget the detectors registered from entry points; the next listing or lookup reads them again."""
    global _plugins_loaded
    with _LOCK:
        for name in _PLUGINS:
            _REGISTRY.pop(name, None)
            _SPECS.pop(name, None)
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
    if not any(family(n) == name for n in names):
        raise KeyError(f"no detector named {name!r}; available: {', '.join(names) or 'none'}")
    return _newest(name, names)


def _newest(fam: str, names: Sequence[str]) -> str:
    return max((n for n in names if family(n) == fam), key=lambda n: int(n.split(".v")[-1]))


def get_detector(name: str) -> Detector:
    return _REGISTRY[resolve(name)]()


def spec_of(name: str) -> DetectorSpec:
    """The spec of a registered detector (``framing`` or ``framing.v2``); KeyError when there is none."""
    return _SPECS[resolve(name)]


def specs() -> dict[str, DetectorSpec]:
    """Every registered detector's spec by name, sorted: the built-in ones and the installed plugins'."""
    names = available()
    return {n: _SPECS[n] for n in names}


def builtin_specs() -> dict[str, DetectorSpec]:
    """The specs of the detectors registered in this process (the built-in ones, and any ``register()``
    added), by name in registration order; no plugin's, so reading them never fails on a broken plugin
    installed beside."""
    _load_builtins()
    return {n: s for n, s in _SPECS.items() if n not in _PLUGINS}


def task_spec(task: str) -> DetectorSpec | None:
    """The spec of the newest detector named ``task`` (``framing`` -> ``framing.v2``'s), None when none is
    registered (a result read from a file written elsewhere, say). For rendering only: a broken plugin
    installed beside never stops a report, the built-in specs answer then."""
    try:
        spec = spec_of(task)
    except KeyError:
        return None
    except PluginError:
        _load_builtins()
        known = [n for n in _SPECS if family(n) == task and n not in _PLUGINS]
        if not known:
            return None
        spec = _SPECS[_newest(task, known)]
    return spec if spec.task == task else None


def family(name: str) -> str:
    """A detector name without its version: ``techniques-en.v1`` -> ``techniques-en``."""
    return name.split(".")[0]


def default_detectors() -> tuple[str, ...]:
    """The built-in families whose newest version's spec is ``default``, in registration order."""
    _load_builtins()
    out: list[str] = []
    for name in _SPECS:
        fam = family(name)
        if name not in _PLUGINS and fam not in out and _SPECS[_newest(fam, list(_SPECS))].default:
            out.append(fam)
    return tuple(out)


def trainable() -> list[str]:
    """The names ``narrascope train`` takes: a family where its newest version has a trainer, the full
    name of an older version that has one (``framing``, ``framing.v1``), sorted."""
    out = []
    for name, spec in specs().items():
        if spec.trainer is not None:
            out.append(family(name) if resolve(family(name)) == name else name)
    return sorted(out)
