"""The detector conformance checks (as sklearn's ``check_estimator``), shared by the suite over every
registered detector (``test_detectors.py``) and the test of a detector plugged in through its entry point
(``test_plugins.py``): the detector's results, and its spec (``check_spec``)."""

from __future__ import annotations

import importlib
import importlib.util

from narrascope.analyze import base
from narrascope.analyze.base import Detector, spec_of, specs
from narrascope.analyze.spec import DetectorSpec
from narrascope.extract import prepare
from narrascope.labels import label_kinds, labels
from narrascope.pipeline import Analyzer, space_dim
from narrascope.types import Article, DetectorResult, task_of

# our own short texts (never corpus text): several languages, named entities for the framing detectors,
# a one-letter document
TEXTS = [
    "The minister announced a new budget on Monday. Critics called it a betrayal of ordinary families.",
    "Правительство объявило о новых мерах. Эксперты называют их катастрофой для экономики.",
    "सरकार ने नई योजना की घोषणा की। विपक्ष ने इसे धोखा बताया।",
    "Le gouvernement a présenté son plan.\n\nLes syndicats dénoncent une trahison.",
    "NATO and the European Union accused Russia of waging a cruel war on Ukraine. Vladimir Putin called "
    "the sanctions an attack on ordinary Russians, and Volodymyr Zelensky thanked the volunteers who "
    "rescued families from Kharkiv.",
    "x",
]


def check_detector(detector: Detector) -> None:
    """A registered detector's results: one per document, scores in [0, 1], spans inside the text, evidence
    among the document's sentences, a lossless round trip, batch equal to one by one for every document,
    only the feature spaces its ``requires`` declares read (and all of them known), and every finding's
    attributes as its spec declares them."""
    spec = spec_of(detector.name)
    check_spec(detector.name, spec)
    assert detector.task == spec.task, f"{detector.name}: task {detector.task!r}, its spec {spec.task!r}"
    docs = [prepare(Article(text=t)) for t in TEXTS]
    analyzer = Analyzer(detectors=(detector.name,))

    shared = analyzer.features(docs)
    results = detector.detect_batch(docs, [f.restricted(detector.name, detector.requires) for f in shared])
    assert len(results) == len(docs)
    assert detector.detect_batch([], []) == []
    for doc, res in zip(docs, results, strict=True):
        assert isinstance(res, DetectorResult)
        assert res.detector == detector.name and res.model_version == detector.model_version
        for f in res.findings:
            assert 0.0 <= f.score <= 1.0
            if f.start is not None and f.end is not None:
                assert 0 <= f.start < f.end <= len(doc.text)
            for ev in f.evidence:
                assert ev in doc.sentences
            problems = spec.problems(f)
            assert not problems, f"{detector.name}: {f}: {'; '.join(problems)}"
        assert DetectorResult.from_dict(res.to_dict()) == res
    # batch result equals one-by-one result, for every document: no leakage across documents in a batch
    for i, doc in enumerate(docs):
        alone = analyzer.features([doc])[0].restricted(detector.name, detector.requires)
        single = detector.detect_batch([doc], [alone])[0]
        assert [f.label for f in single.findings] == [f.label for f in results[i].findings], (i, doc.text)
    for space in detector.requires:
        assert space_dim(space) > 0


def check_spec(name: str, spec: DetectorSpec) -> None:
    """A registered spec: it serves its name's task, agrees on title and label kind with every other spec
    of that task (the report shows one section per task), names a label kind that exists, official formats
    ``narrascope predict`` writes from its task, and a trainer module that exists; a built-in spec also the
    writers of its formats, from its own package (``package_problems``)."""
    from narrascope.predict import SENTENCES, TASKS

    assert spec.task == task_of(name), name
    assert spec.title, name
    if spec.label_kind is not None:
        assert spec.label_kind in label_kinds(), (name, spec.label_kind)
        labels(spec.label_kind)  # its shipped definitions, where we ship them, are well formed
    for other, theirs in specs().items():
        if theirs.task == spec.task:
            assert (theirs.title, theirs.label_kind) == (spec.title, spec.label_kind), (name, other)
    for fmt in spec.formats:
        assert fmt in TASKS or fmt in SENTENCES, f"{name}: no official format {fmt!r}"
        written_from = TASKS[fmt].detector if fmt in TASKS else SENTENCES[fmt].detector
        assert written_from == spec.task, (name, fmt, written_from)
    if spec.trainer is not None:
        module = spec.trainer.partition(":")[0]
        assert importlib.util.find_spec(module) is not None, f"{name}: no trainer module {module!r}"
    if base._REGISTRY[name].__module__.startswith("narrascope."):  # built in (not a test's, not a plugin's)
        problems = package_problems(name, spec)
        assert not problems, "; ".join(problems)


def package_problems(name: str, spec: DetectorSpec) -> list[str]:
    """What a built-in detector's folder lacks: the detector's factory lives in a package of its own under
    ``narrascope.analyze`` (``analyze/<task>/``), whose ``formats`` module's ``FORMATS`` holds a writer for
    each of the spec's formats, the one the spec carries and ``narrascope predict`` writes with."""
    from narrascope.predict import SENTENCES, TASKS

    module = base._REGISTRY[name].__module__  # the factory's module, e.g. narrascope.analyze.genre.detector
    package = module.rpartition(".")[0]
    found = importlib.util.find_spec(package)
    if not package.startswith("narrascope.analyze.") or found is None or not found.submodule_search_locations:
        return [f"{name}: its factory {module} is not in a detector package analyze/<task>/"]
    if importlib.util.find_spec(f"{package}.formats") is None:
        return [f"{name}: {package} has no formats module"] if spec.formats else []
    shipped = {w.name: w for w in getattr(importlib.import_module(f"{package}.formats"), "FORMATS", ())}
    out = []
    for fmt in spec.formats:
        writer = spec.writer(fmt)
        if fmt not in shipped:
            out.append(f"{name}: {package}.formats.FORMATS has no writer of {fmt!r}")
        elif writer is not shipped[fmt]:
            out.append(f"{name}: the spec's writer of {fmt!r} is not {package}.formats'")
        else:
            used = TASKS[fmt].format_rows if fmt in TASKS else SENTENCES[fmt].write
            if used is not getattr(writer, "rows", getattr(writer, "write", None)):
                out.append(f"{name}: predict writes {fmt!r} with another writer than {package}.formats'")
    return out
