"""Third-party detectors: a detector written here as a test fixture plugs in through the entry-point group
``narrascope.detectors`` alone (a fake installed distribution on ``sys.path``; no ``register`` call), is
listed, passes the conformance checks, and runs through the Analyzer and the CLI into the JSON output. A
plugin may ship its spec (its factory's ``spec``): the report takes its title from it and the conformance
checks its findings' attributes against it; one without gets a minimal spec. A plugin that fails to load,
that would replace a registered detector, or whose spec is not one, is a clear error."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrascope.analyze import base
from narrascope.analyze.base import ENTRY_POINT_GROUP, PluginError, available, get_detector, resolve, spec_of
from narrascope.analyze.spec import minimal_spec
from narrascope.cli import main
from narrascope.pipeline import Analyzer
from narrascope.report import to_json, to_text
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
    for name in ("fixture_detector", "broken_detector", "greedy_detector", "specced_detector"):
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


def test_a_broken_plugin_never_stops_a_report(tmp_path: Path, plugins: pytest.MonkeyPatch) -> None:
    """Analysing with it is an error (above), but rendering a result reads the built-in specs."""
    from narrascope.report._common import task_kind, task_title

    install(
        tmp_path, "broken_detector", "import no_such_module_here\n", {"broken.v1": "broken_detector:make"}
    )
    plugins.syspath_prepend(str(tmp_path))
    assert task_title("framing") == "Entities" and task_kind("framing") == "roles"
    assert task_title("broken") == "Broken"


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


# The same package shipping its spec: the factory's ``spec`` attribute, here declaring the ``word`` attribute
# its located findings carry (``{word_attr}`` lets a test make it set another one).
SPECCED_MODULE = (
    FIXTURE_MODULE.replace(
        'found.append(Finding("Fixture_Word", 0.75, m.start(), m.end(), evidence=tuple(where[:1])))',
        'found.append(Finding("Fixture_Word", 0.75, m.start(), m.end(), evidence=tuple(where[:1]), '
        "attrs=(({word_attr!r}, m.group().lower()),)))",
    )
    + """

from narrascope.analyze.spec import Attr, DetectorSpec

fixture_v1.spec = DetectorSpec(
    task={task!r},
    title="Loaded words",
    default={default!r},
    attributes=(Attr("word", "str", "the word found", ("betrayal", "traitor", "traitors", "catastrophe")),),
)
"""
)


def install_specced(
    root: Path,
    plugins: pytest.MonkeyPatch,
    word_attr: str = "word",
    task: str = "fixture",
    default: bool = False,
) -> None:
    source = SPECCED_MODULE.format(word_attr=word_attr, task=task, default=default)
    install(root, "specced_detector", source, {"fixture.v1": "specced_detector:fixture_v1"})
    plugins.syspath_prepend(str(root))


def test_a_plugin_without_a_spec_gets_a_minimal_one(fixture_detector: None) -> None:
    assert spec_of("fixture") == minimal_spec("fixture")
    assert spec_of("fixture").title == "Fixture" and spec_of("fixture").attributes is None


def test_a_plugin_ships_its_spec_and_passes_the_conformance_checks(
    tmp_path: Path, plugins: pytest.MonkeyPatch
) -> None:
    install_specced(tmp_path, plugins)
    spec = spec_of("fixture")
    assert spec.title == "Loaded words" and spec.attribute("word") is not None
    check_detector(get_detector("fixture.v1"))
    analysis = Analyzer(detectors=("fixture",)).analyze(Article(text=TEXT, id="p1"))
    [word] = [f for f in analysis.results[0].findings if f.label == "Fixture_Word"]
    assert word.attrs == (("word", "betrayal"),)
    assert "Loaded words" in to_text(analysis)  # the report's section title comes from the spec


def test_the_conformance_checks_catch_an_attribute_the_spec_does_not_declare(
    tmp_path: Path, plugins: pytest.MonkeyPatch
) -> None:
    install_specced(tmp_path, plugins, word_attr="colour")
    with pytest.raises(AssertionError, match="'colour' is not declared in the fixture spec"):
        check_detector(get_detector("fixture.v1"))


@pytest.mark.parametrize(
    ("task", "default", "problem"),
    [
        ("genre", False, "its spec serves 'genre', but the name serves 'fixture'"),
        ("fixture", True, "a plugin runs when named"),
    ],
)
def test_a_plugin_spec_that_cannot_be_is_an_error_naming_its_entry_point(
    tmp_path: Path, plugins: pytest.MonkeyPatch, task: str, default: bool, problem: str
) -> None:
    install_specced(tmp_path, plugins, task=task, default=default)
    with pytest.raises(
        PluginError, match=rf"entry point 'fixture.v1' = 'specced_detector:fixture_v1'.*{problem}"
    ):
        available()
    assert "fixture.v1" not in base._REGISTRY and "fixture.v1" not in base._SPECS
