"""Detector specs: the schema checker, the registry's specs and what the house reads from them (the report's
titles and label kinds, the default detector set, the train dispatcher), the pipeline holding every detector
to its ``requires``, and predict finding the detector that decides given mentions' roles by its capability."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from narrascope.analyze import base
from narrascope.analyze.base import (
    Features,
    FeatureSpaceError,
    GivenRoles,
    default_detectors,
    get_detector,
    register,
    spec_of,
    specs,
    task_spec,
    trainable,
)
from narrascope.analyze.spec import Attr, DetectorSpec, minimal_spec
from narrascope.labels import fallback_info, label_info, label_kinds, labels
from narrascope.pipeline import DEFAULT_DETECTORS, Analyzer
from narrascope.predict import MissingDetectorError, predict
from narrascope.report._common import info, task_kind, task_title
from narrascope.train import TrainJob, recipe, train
from narrascope.types import Article, DetectorResult, Document, Finding


def test_an_attribute_reads_its_string_as_declared() -> None:
    assert Attr("n", "int", "a count").problem("12") is None
    assert "whole number" in (Attr("n", "int", "a count").problem("1.5") or "")
    assert Attr("x", "float", "a number").problem("0.25") is None
    assert "not a number" in (Attr("x", "float", "a number").problem("many") or "")
    assert Attr("b", "bool", "a flag").problem("true") is None
    assert "'true' or 'false'" in (Attr("b", "bool", "a flag").problem("yes") or "")
    level = Attr("level", "str", "where", ("mention", "entity"))
    assert level.problem("entity") is None and "'document'" in (level.problem("document") or "")
    roles = Attr("roles", "list", "roles", ("a", "b"))
    assert roles.problem("a,b") is None and roles.problem("") is None
    assert "'c'" in (roles.problem("a,c") or "")
    assert Attr("free", "str", "anything").problem("whatever, at all") is None
    with pytest.raises(ValueError, match="type 'date'"):
        Attr("d", "date", "a day")  # type: ignore[arg-type]


def test_a_spec_checks_a_findings_attributes_against_its_schema() -> None:
    spec = DetectorSpec(
        "toy", attributes=(Attr("level", "str", "where", ("a", "b")), Attr("n", "int", "count"))
    )
    assert spec.problems(Finding("L", 0.5, attrs=(("level", "a"), ("n", "3")))) == []
    [undeclared] = spec.problems(Finding("L", 0.5, attrs=(("colour", "red"),)))
    assert "'colour' is not declared in the toy spec (declared: level, n)" in undeclared
    [wrong] = spec.problems(Finding("L", 0.5, attrs=(("n", "three"),)))
    assert "n='three' is not a whole number" in wrong
    none = DetectorSpec("bare", attributes=())
    assert none.problems(Finding("L", 0.5, attrs=(("x", "1"),)))  # a spec declaring none allows none
    assert minimal_spec("bare").problems(Finding("L", 0.5, attrs=(("x", "1"),))) == []  # not declared: any
    assert minimal_spec("bare").problems(Finding("L", 0.5, attrs=(("x", 1),))) != []  # type: ignore[arg-type]


def test_a_spec_derives_its_title_and_refuses_what_cannot_be() -> None:
    assert DetectorSpec("my_task").title == "My task"
    assert DetectorSpec("framing", title="Entities").title == "Entities"
    with pytest.raises(ValueError, match="declared twice: n"):
        DetectorSpec("toy", attributes=(Attr("n", "int", "a"), Attr("n", "int", "b")))
    with pytest.raises(ValueError, match="not 'module:function'"):
        DetectorSpec("toy", trainer="narrascope.train.heads")


BUILT_IN = (
    "genre.v1",
    "frames.v1",
    "techniques.v1",
    "techniques.v2",
    "techniques-en.v1",
    "narratives.v1",
    "framing.v1",
    "framing.v2",
    "claims.v1",
)


def test_every_built_in_detector_has_a_declared_spec() -> None:
    assert set(BUILT_IN) <= set(specs())
    for name in BUILT_IN:
        assert spec_of(name).attributes is not None, f"{name} declares no attribute schema"
    framing = spec_of("framing")
    assert framing.title == "Entities" and framing.label_kind == "roles"
    assert {a.name for a in framing.attributes or ()} >= {"level", "main_role", "fine_roles", "agree"}
    assert spec_of("techniques-en").task == "techniques" and not spec_of("techniques-en").default


def test_the_default_detector_set_is_read_from_the_specs() -> None:
    expected = ("genre", "frames", "techniques", "narratives", "framing", "claims")
    assert DEFAULT_DETECTORS == default_detectors() == expected


def test_the_report_reads_titles_and_label_kinds_from_the_specs() -> None:
    assert [task_title(t) for t in ("framing", "frames", "genre", "claims", "techniques", "narratives")] == [
        "Entities",
        "Frames",
        "Genre",
        "Claims",
        "Techniques",
        "Narratives",
    ]
    assert task_title("my_own_task") == "My own task"  # no detector: from its name
    assert [task_kind(t) for t in ("techniques", "genre", "framing", "claims", "narratives")] == [
        "techniques",
        "genres",
        "roles",
        "claims",
        "",
    ]
    # tasks of stored analyses, no detector's (or one registered without a spec: test_corpus's roles.v1)
    assert task_kind("entities") == task_kind("roles") == "roles"
    assert task_spec("entities") is None
    assert info("genre", "opinion") == label_info("genres", "opinion") != label_info("", "opinion")


def test_the_label_kinds_are_those_the_specs_declare() -> None:
    assert label_kinds() == ("claims", "frames", "genres", "roles", "techniques")
    shipped = Path(__file__).resolve().parents[1] / "src" / "narrascope" / "data" / "labels"
    assert tuple(sorted(p.stem for p in shipped.glob("*.yaml"))) == label_kinds()  # no file left unread
    with pytest.raises(ValueError, match="label kind 'Key words' is not a name"):
        DetectorSpec("toy", label_kind="Key words")
    register("toy.v1", DetectorSpec("toy", label_kind="keywords"))(Toy)
    try:
        assert "keywords" in label_kinds()
        assert labels("keywords") == {}  # declared, no definitions shipped: its names fall back
        assert label_info("keywords", "Big_Word") == fallback_info("Big_Word")
    finally:
        base._REGISTRY.pop("toy.v1", None)
        base._SPECS.pop("toy.v1", None)
    assert "keywords" not in label_kinds()
    with pytest.raises(ValueError, match="unknown label kind 'keywords'; kinds: claims, frames, genres"):
        labels("keywords")


def test_register_refuses_a_spec_of_another_task() -> None:
    with pytest.raises(ValueError, match="serves 'genre', but the name serves 'toy'"):
        register("toy.v1", DetectorSpec("genre"))
    with pytest.raises(TypeError, match="not a DetectorSpec"):
        register("toy.v1", {"task": "toy"})  # type: ignore[arg-type]


JOBS: list[TrainJob] = []


def _toy_recipe(job: TrainJob) -> TrainJob:
    JOBS.append(job)
    return job


@pytest.fixture
def toy() -> Iterator[None]:
    """A detector ``toy.v1`` whose spec's trainer is ``_toy_recipe`` above; unregistered afterwards."""
    register("toy.v1", DetectorSpec("toy", trainer="tests.test_specs:_toy_recipe", attributes=()))(Toy)
    yield
    base._REGISTRY.pop("toy.v1", None)
    base._SPECS.pop("toy.v1", None)
    JOBS.clear()


def test_train_runs_the_recipe_its_spec_names(toy: None, tmp_path: Path) -> None:
    job = train("toy", tmp_path / "data", tmp_path / "out", limit=3, device="cuda")
    assert [job] == JOBS and job.detector == "toy.v1" and job.limit == 3 and job.device == "cuda"
    assert job.out == tmp_path / "out" and job.taxonomy is None
    assert "toy" in trainable()


def test_train_names_what_is_trainable_when_asked_for_what_is_not(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="no training recipe for detector 'nosuch'; trainable: claims, frames"):
        train("nosuch", tmp_path, None)
    assert trainable() == [
        "claims",
        "frames",
        "framing",
        "framing.v1",
        "genre",
        "narratives",
        "techniques",
        "techniques-en",
        "techniques.v1",
    ]


def test_every_built_in_trainer_is_a_recipe() -> None:
    pytest.importorskip("torch")  # the train extra
    for name, spec in specs().items():
        if spec.trainer is not None:
            assert callable(recipe(spec.trainer)), name


class Toy:
    """A detector reading the ``multi`` space; ``requires`` is set per test."""

    name, task, model_version = "toy.v1", "toy", "toy-1"

    def __init__(self, requires: tuple[str, ...] = ()) -> None:
        self.requires = requires

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        for f in feats:
            f.get("multi")
        return [DetectorResult(self.name, self.model_version) for _ in docs]


def test_a_detector_requiring_an_unknown_space_is_a_clear_error() -> None:
    analyzer = Analyzer(detectors=(Toy(requires=("nosuch",)),))
    with pytest.raises(FeatureSpaceError, match=r"detector toy.v1 requires feature space 'nosuch'.*multi"):
        analyzer.analyze(Article(text="The minister spoke on Monday."))


def test_a_detector_reading_a_space_it_did_not_declare_is_a_clear_error() -> None:
    analyzer = Analyzer(detectors=(Toy(requires=()),))
    with pytest.raises(
        FeatureSpaceError, match=r"detector toy.v1 read feature space 'multi'.*declared: none"
    ):
        analyzer.analyze(Article(text="The minister spoke on Monday."))


def test_a_restricted_view_shares_what_is_computed() -> None:
    computed: list[str] = []

    def compute(space: str):  # type: ignore[no-untyped-def]
        import numpy as np

        computed.append(space)
        return np.zeros((1, 2), np.float32)

    shared = Features(compute=compute)
    a, b = shared.restricted("a.v1", ("multi",)), shared.restricted("b.v1", ("multi", "reader"))
    assert a.get("multi") is b.get("multi") and computed == ["multi"]
    with pytest.raises(FeatureSpaceError, match=r"detector a\.v1 read feature space 'reader'"):
        a.reading()
    with pytest.raises(KeyError, match="reader's pass was not made"):  # b may: there is none to read here
        b.reading()


def test_predict_finds_the_detector_deciding_given_roles_by_its_capability(tmp_path: Path) -> None:
    assert isinstance(get_detector("framing"), GivenRoles)
    assert not isinstance(get_detector("genre"), GivenRoles)
    mentions = tmp_path / "mentions.txt"
    mentions.write_text("a.txt\tNATO\t0\t3\tAntagonist\tConspirator\n", encoding="utf-8")
    with pytest.raises(MissingDetectorError, match=r"given_roles.*none of the loaded detectors.*toy.v1"):
        predict(
            "semeval2025-st1", tmp_path, tmp_path / "out.txt", analyzer=Analyzer((Toy(),)), mentions=mentions
        )
