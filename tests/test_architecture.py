"""The shape of the house, checked: no import circle between the modules of ``src/narrascope``, no module over
500 lines, and ``scale`` never reaching up into ``corpus``.

The import graph is built from the source (``ast``), not by importing it. Its edges are the imports a module
makes when it is loaded: the ``import`` and ``from ... import`` statements at module level, including those
under a module-level ``if``, ``try`` or ``with``, and excluding those under ``if TYPE_CHECKING:`` (never run)
and those inside functions and classes (run later, on call: the lazy imports a registry or a dispatch uses
are allowed, e.g. ``corpus.run`` reaching ``scale`` for ``engine="ray"``). ``from a.b import c`` is an edge
to the module ``a.b.c`` when there is one, else to ``a.b``. What is allowed: the package ``__init__`` that
Python runs before a submodule is not an edge of that submodule, so a package's ``__init__`` may re-export
its own submodules while they import one another by their full names.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "narrascope"
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def load_time_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The import statements run when a module with this ``body`` is loaded."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from load_time_imports(node.body)
            yield from load_time_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody):
                yield from load_time_imports(block)
        elif isinstance(node, ast.With):
            yield from load_time_imports(node.body)


def _base(name: str, node: ast.ImportFrom, is_package: bool) -> str:
    """The absolute module a ``from`` import names (relative imports resolved against ``name``)."""
    if not node.level:
        return node.module or ""
    parts = name.split(".") if is_package else name.split(".")[:-1]
    parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, *([node.module] if node.module else [])])


def imports_of(name: str, path: Path, known: set[str], every: bool = False) -> set[str]:
    """The modules of ``known`` that module ``name`` imports at load time (``every``: anywhere in it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    nodes = (
        [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
        if every
        else load_time_imports(tree.body)
    )
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name in known)
            continue
        base = _base(name, node, path.name == "__init__.py")
        for alias in node.names:
            if f"{base}.{alias.name}" in known:
                out.add(f"{base}.{alias.name}")
            elif base in known:
                out.add(base)
    out.discard(name)
    return out


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_the_imports_it_should() -> None:
    graph = import_graph()
    assert len(graph) > 100
    assert "narrascope.batches" in graph["narrascope.corpus.run"]
    assert "narrascope.batches" in graph["narrascope.scale._runner"]
    assert "narrascope.types" in graph["narrascope.analyze.base"]
    assert "narrascope.reader.runtime" not in graph["narrascope.analyze.base"]  # under TYPE_CHECKING
    assert "narrascope.scale" not in graph["narrascope.corpus.run"]  # lazy, inside analyze_corpus


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_between_modules() -> None:
    found = cycles(import_graph())
    assert not found, "import circles (module-level imports): " + "; ".join(" <-> ".join(c) for c in found)


def test_scale_never_imports_corpus() -> None:
    """The one arrow between them points from ``corpus`` (dispatching ``engine="ray"``) to ``scale``."""
    mods = modules()
    known = set(mods)
    for name, path in mods.items():
        if name == "narrascope.scale" or name.startswith("narrascope.scale."):
            upward = {
                m for m in imports_of(name, path, known, every=True) if m.startswith("narrascope.corpus")
            }
            assert not upward, f"{name} imports {sorted(upward)}"


def test_no_module_over_500_lines() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in sorted(PACKAGE.rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_ingest_never_imports_extract_at_load_time() -> None:
    """Ingest decides what an input is and reads every format; HTML extraction is ``extract``'s, reached
    lazily from ingest in one function, so the load-time arrow points from ``extract`` to ``ingest`` only."""
    graph = import_graph()
    for name, deps in graph.items():
        if name == "narrascope.ingest" or name.startswith("narrascope.ingest."):
            upward = {m for m in deps if m.startswith("narrascope.extract")}
            assert not upward, f"{name} imports {sorted(upward)}"
    assert "narrascope.ingest._normalize" in graph["narrascope.extract._html"]


# Each built-in detector's training sits in its folder; ``narrascope.train`` keeps the shared pieces (the
# dispatcher, ``job``, ``harness``) and serves the moved modules under their old names (``_moved``).
SHARED_TRAINING = {
    "narrascope.train",
    "narrascope.train._moved",
    "narrascope.train.harness",
    "narrascope.train.job",
}
MOVED_TRAINING = {
    "narrascope.train.claims": "narrascope.analyze.claims.train",
    "narrascope.train.framing": "narrascope.analyze.framing.train",
    "narrascope.train.heads": "narrascope.analyze.doclabels_train",
    "narrascope.train.mentions": "narrascope.analyze.framing.train_mentions",
    "narrascope.train.narratives": "narrascope.analyze.narratives.train",
    "narrascope.train.narratives_fit": "narrascope.analyze.narratives.train_fit",
    "narrascope.train.tagger": "narrascope.analyze.techniques.train_tagger",
    "narrascope.train.tagger_eval": "narrascope.analyze.techniques.train_tagger_eval",
    "narrascope.train.techniques": "narrascope.analyze.techniques.train",
    "narrascope.train.techniques_en": "narrascope.analyze.techniques.train_english",
    "narrascope.train.techniques_fit": "narrascope.analyze.techniques.train_fit",
    "narrascope.train.techniques_reader": "narrascope.analyze.techniques.train_reader",
}
RUNTIME_PACKAGES = ["claims", "framing", "frames", "genre", "narratives", "techniques"]


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    """Python run in a fresh interpreter on this source tree."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120)


def test_the_training_package_holds_the_shared_pieces_only() -> None:
    assert {name for name in modules() if name.startswith("narrascope.train")} == SHARED_TRAINING
    assert not set(MOVED_TRAINING) & set(modules())  # no file at an old path: git follows the moves
    assert set(MOVED_TRAINING.values()) <= set(modules())


@pytest.mark.parametrize("old", sorted(MOVED_TRAINING))
def test_an_old_training_path_is_the_moved_module(old: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """An old import gives the moved module itself, so its private names import and a patch through the old
    name reaches the code that runs; the moved module keeps its own name and spec."""
    moved = importlib.import_module(MOVED_TRAINING[old])
    assert importlib.import_module(old) is moved
    package, _, leaf = old.rpartition(".")
    assert getattr(importlib.import_module(package), leaf) is moved
    assert moved.__name__ == moved.__spec__.name == MOVED_TRAINING[old]
    name = next(
        n for n, v in vars(moved).items() if callable(v) and getattr(v, "__module__", "") == moved.__name__
    )
    marker = object()
    monkeypatch.setattr(f"{old}.{name}", marker)
    assert vars(moved)[name] is marker


def test_an_old_name_imports_first_too() -> None:
    """In a fresh interpreter, the old name imported first (as a bench script does) is the moved module."""
    run = _python(
        "-c",
        "from narrascope.train.claims import _f1, block_of\n"
        "from narrascope.analyze.claims import train\n"
        "import narrascope.train.techniques as T\n"
        "from narrascope.analyze.techniques import train as moved\n"
        "assert train.block_of is block_of and train._f1 is _f1 and T is moved\n",
    )
    assert run.returncode == 0, run.stderr


def test_python_m_of_an_old_name_runs_the_moved_command_line() -> None:
    for old in ("narrascope.train.tagger", "narrascope.analyze.techniques.train_tagger"):
        run = _python("-m", old, "--help")
        assert run.returncode == 0, run.stderr
        assert "--work" in run.stdout and "token tagger" in run.stdout


def is_training(module: str) -> bool:
    """A training module: ``narrascope.train`` and its modules, a detector's ``train...`` modules, and
    ``analyze.doclabels_train`` (the recipe of the heads genre and frames share)."""
    parts = module.split(".")
    return parts[0] == "narrascope" and any(p.startswith("train") or p.endswith("_train") for p in parts)


def test_the_runtime_imports_no_training() -> None:
    """What the registry loads at startup (``narrascope``, every built-in detector's package, the registry
    itself) imports no training module and neither scikit-learn nor torch: those come with the recipe."""
    packages = ["narrascope.analyze.builtin", *(f"narrascope.analyze.{task}" for task in RUNTIME_PACKAGES)]
    code = (
        "import importlib, json, sys\n"
        "import narrascope\n"
        f"for name in {packages!r}:\n"
        "    importlib.import_module(name)\n"
        "from narrascope.analyze.base import specs\n"
        "specs()\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    run = _python("-c", code)
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout)
    assert "narrascope.analyze.claims" in loaded  # the check sees what was imported
    assert all(is_training(m) for pair in MOVED_TRAINING.items() for m in pair)  # and would see training
    training = [m for m in loaded if is_training(m)]
    heavy = [m for m in loaded if m.split(".")[0] in {"sklearn", "torch"}]
    assert not training and not heavy, f"the runtime imports {training + heavy}"


def test_every_built_in_recipe_lives_beside_its_detector() -> None:
    """A built-in spec's trainer is a module of its detector's package (genre and frames: of the detector they
    share), never of ``narrascope.train``."""
    from narrascope.analyze import base

    checked = []
    for name, spec in base.builtin_specs().items():
        factory = base._REGISTRY[name].__module__  # e.g. narrascope.analyze.genre.detector
        if spec.trainer is None or not factory.startswith("narrascope."):
            continue
        module = spec.trainer.partition(":")[0]
        home = factory.rpartition(".")[0]
        assert module in modules() and not module.startswith("narrascope.train"), name
        assert module.startswith(home + ".") or module == "narrascope.analyze.doclabels_train", name
        checked.append(name)
    assert len(checked) >= 8, checked  # genre, frames, claims, narratives, two framing, three techniques
