"""The old names of the training modules that moved into their detectors' folders: ``narrascope.train.claims``
is ``narrascope.analyze.claims.train``, and so for every name of ``MOVED``. Importing an old name gives the
moved module itself, not a copy, so its private names import and a patch made through the old name reaches
the code that runs; ``python -m`` of an old name runs the moved module's command line.

The old names are served by a finder on ``sys.meta_path`` that knows these names only, installed when
``narrascope.train`` is imported, rather than by a file at each old path: with a file left there, git sees
that file rewritten instead of moved, and a change made to it on another branch would conflict instead of
following the move.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import import_module
from importlib.abc import InspectLoader, Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from importlib.util import find_spec, spec_from_loader
from types import CodeType, ModuleType
from typing import cast

PACKAGE = "narrascope.train"
MOVED = {
    "claims": "narrascope.analyze.claims.train",
    "framing": "narrascope.analyze.framing.train",
    "heads": "narrascope.analyze.doclabels_train",
    "mentions": "narrascope.analyze.framing.train_mentions",
    "narratives": "narrascope.analyze.narratives.train",
    "narratives_fit": "narrascope.analyze.narratives.train_fit",
    "tagger": "narrascope.analyze.techniques.train_tagger",
    "tagger_eval": "narrascope.analyze.techniques.train_tagger_eval",
    "techniques": "narrascope.analyze.techniques.train",
    "techniques_en": "narrascope.analyze.techniques.train_english",
    "techniques_fit": "narrascope.analyze.techniques.train_fit",
    "techniques_reader": "narrascope.analyze.techniques.train_reader",
}


def moved_to(old: str) -> str | None:
    """The module an old name (``narrascope.train.claims``) now is, or None for any other name."""
    package, _, leaf = old.rpartition(".")
    return MOVED.get(leaf) if package == PACKAGE else None


class MovedModules(MetaPathFinder, Loader):
    """Finds the old names and loads each as the module it moved to."""

    def __init__(self) -> None:
        self._specs: dict[str, ModuleSpec | None] = {}

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        new = moved_to(fullname)
        if new is None:
            return None
        own = find_spec(new)  # its file is the old name's origin: ``python -m`` reads it as ``argv[0]``
        return spec_from_loader(fullname, self, origin=own.origin if own else None)

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        module = import_module(cast(str, moved_to(spec.name)))
        self._specs[module.__name__] = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the module ran under its own name. The import system gave it the old name's spec;
        it gets its own back."""
        module.__spec__ = self._specs.pop(module.__name__, module.__spec__)

    def get_code(self, fullname: str) -> CodeType | None:
        """The moved module's code, which ``python -m`` of an old name runs as ``__main__``."""
        spec = find_spec(cast(str, moved_to(fullname)))
        if spec is None or spec.loader is None:
            return None
        return cast(InspectLoader, spec.loader).get_code(spec.name)


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once)."""
    if not any(isinstance(finder, MovedModules) for finder in sys.meta_path):
        sys.meta_path.insert(0, MovedModules())
