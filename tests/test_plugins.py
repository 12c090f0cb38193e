"""Third-party detectors: a detector written here as a test fixture plugs in through the entry-point group
``narrascope.detectors`` alone (a fake installed distribution on ``sys.path``; no ``register`` call), is
listed, passes the conformance checks, and runs through the Analyzer and the CLI into the JSON output. A
plugin that fails to load, or that would replace a registered detector, is a clear error."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrascope.analyze import base
from narrascope.analyze.base import ENTRY_POINT_GROUP, PluginError, available, get_detector, resolve
from narrascope.cli import main
from narrascope.pipeline import Analyzer
from narrascope.report import to_json
from narrascope.types import Article
from tests._conformance import check_detector

# The third-party package: a keyword detector, with a located finding per loaded word (its sentence as
# evidence) and one document label when any is found.
FIXTURE_MODULE = """
import re

from narrascope.types import DetectorResult, Finding

WORDS = re.compile(r"\\b(betrayal|traitors?|catastrophe)\\b", re.IGNORECASE)


class FixtureDetector:
    name = "fixture.v1"
    task = "fixture"
    model_version = "fixture-0.1"
    requires = ()

    def detect_batch(self, docs, feats):
        out = []
        for doc in docs:
            found = []
            for m in WORDS.finditer(doc.text):
                where = [s for s in doc.sentences if s.start <= m.start() and m.end() <= s.end]
                found.append(Finding("Fixture_Word", 0.75, m.start(), m.end(), evidence=tuple(where[:1])))
            if found:
                found.append(Finding("Fixture_Loaded", 0.5))
            out.append(DetectorResult(self.name, self.model_version, tuple(found)))
        return out


def fixture_v1():
    return FixtureDetector()
"""
TEXT = "The minister spoke on Monday. Critics called the plan a betrayal. Nobody else said a word."


def install(root: Path, module: str, source: str, entry_points: dict[str, str]) -> Path:
    """A fake installed distribution in ``root``: ``module.py`` and ``module-0.1.dist-info`` declaring
    ``entry_points`` (name -> ``module:attr``) in the ``narrascope.detectors`` group."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{module}.py").write_text(source, encoding="utf-8")
    info = root / f"{module}-0.1.dist-info"
    info.mkdir()
    dist = module.replace("_", "-")
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n", encoding="utf-8")
    lines = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\n{lines}", encoding="utf-8")
    return root


@pytest.fixture
def plugins(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A registry that reads the entry points again, and forgets the test's plugins afterwards."""
    base.reset_plugins()
    yield monkeypatch
    monkeypatch.undo()  # sys.path and sys.modules as they were, then a registry without the fixtures
    for name in ("fixture_detector", "broken_detector", "greedy_detector"):
        sys.modules.pop(name, None)
    base.reset_plugins()


@pytest.fixture
def fixture_detector(tmp_path: Path, plugins: pytest.MonkeyPatch) -> None:
    install(tmp_path, "fixture_detector", FIXTURE_MODULE, {"fixture.v1": "fixture_detector:fixture_v1"})
    plugins.syspath_prepend(str(tmp_path))


def test_fixture_detector_is_listed_and_resolves(fixture_detector: None) -> None:
    assert "fixture.v1" in available()
    assert resolve("fixture") == "fixture.v1"
    assert "genre.v1" in available()  # the built-in detectors are still there
    assert get_detector("fixture").name == "fixture.v1"


def test_fixture_detector_passes_the_conformance_checks(fixture_detector: None) -> None:
    check_detector(get_detector("fixture.v1"))


def test_fixture_detector_findings_reach_the_json_output(fixture_detector: None) -> None:
    analysis = Analyzer(detectors=("fixture",)).analyze(Article(text=TEXT, id="p1"))
    doc = json.loads(to_json(analysis))
    findings = doc["results"]["fixture"]["findings"]
    assert doc["results"]["fixture"]["detector"] == "fixture.v1"
    word = [f for f in findings if f["label"] == "Fixture_Word"]
    assert len(word) == 1 and TEXT[word[0]["start"] : word[0]["end"]] == "betrayal"
    assert {f["label"] for f in findings} == {"Fixture_Word", "Fixture_Loaded"}


def test_fixture_detector_runs_from_the_command_line(fixture_detector: None, tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(main, ["analyze", str(article), "--detectors", "fixture", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc["results"]) == ["fixture"]
    assert [f["label"] for f in doc["results"]["fixture"]["findings"]] == ["Fixture_Word", "Fixture_Loaded"]


def test_a_plugin_that_fails_to_load_is_an_error_naming_its_entry_point(
    tmp_path: Path, plugins: pytest.MonkeyPatch
) -> None:
    install(
        tmp_path, "broken_detector", "import no_such_module_here\n", {"broken.v1": "broken_detector:make"}
    )
    plugins.syspath_prepend(str(tmp_path))
    with pytest.raises(
        PluginError, match=r"entry point 'broken.v1' = 'broken_detector:make'.*failed to load"
    ):
        available()
    with pytest.raises(PluginError, match="ModuleNotFoundError"):  # not cached as loaded: it fails again
        resolve("genre")
    assert "broken.v1" not in base._REGISTRY


def test_a_plugin_cannot_replace_a_built_in_detector(tmp_path: Path, plugins: pytest.MonkeyPatch) -> None:
    available()
    builtin = base._REGISTRY["genre.v1"]
    install(tmp_path, "greedy_detector", FIXTURE_MODULE, {"genre.v1": "greedy_detector:fixture_v1"})
    plugins.syspath_prepend(str(tmp_path))
    base.reset_plugins()
    with pytest.raises(PluginError, match=r"'genre.v1' is registered already.*cannot replace"):
        available()
    plugins.undo()
    base.reset_plugins()
    assert "genre.v1" in available() and base._REGISTRY["genre.v1"] is builtin


def test_a_plugin_name_must_be_versioned(tmp_path: Path, plugins: pytest.MonkeyPatch) -> None:
    install(tmp_path, "fixture_detector", FIXTURE_MODULE, {"fixture": "fixture_detector:fixture_v1"})
    plugins.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match="versioned"):
        available()
