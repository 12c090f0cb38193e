"""Conformance suite: every registered detector must pass these checks (as sklearn's check_estimator)."""

from __future__ import annotations

import pytest

from narrascope.analyze.base import available, get_detector, resolve
from narrascope.extract import prepare
from narrascope.pipeline import Analyzer, space_dim
from narrascope.types import Article, DetectorResult

TEXTS = [
    "The minister announced a new budget on Monday. Critics called it a betrayal of ordinary families.",
    "Правительство объявило о новых мерах. Эксперты называют их катастрофой для экономики.",
    "सरकार ने नई योजना की घोषणा की। विपक्ष ने इसे धोखा बताया।",
    "Le gouvernement a présenté son plan.\n\nLes syndicats dénoncent une trahison.",
    "x",
]


@pytest.fixture(scope="module", params=available())
def detector(request):  # type: ignore[no-untyped-def]
    return get_detector(request.param)


def test_names_are_versioned() -> None:
    names = available()
    assert names, "no detector registered"
    for name in names:
        task, _, version = name.partition(".")
        assert task and version.startswith("v") and version[1:].isdigit(), name


def test_resolve_picks_newest_and_rejects_unknown() -> None:
    assert resolve("genre").startswith("genre.v")
    with pytest.raises(KeyError, match="no detector named"):
        resolve("no-such-detector")


def test_conformance(detector) -> None:  # type: ignore[no-untyped-def]
    docs = [prepare(Article(text=t)) for t in TEXTS]
    analyzer = Analyzer(detectors=(detector.name,))
    feats = analyzer.features(docs)
    results = detector.detect_batch(docs, feats)
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
        assert DetectorResult.from_dict(res.to_dict()) == res
    # batch result equals one-by-one result: no leakage across documents in a batch
    single = detector.detect_batch(docs[:1], analyzer.features(docs[:1]))[0]
    assert [f.label for f in single.findings] == [f.label for f in results[0].findings]
    for space in detector.requires:
        assert space_dim(space) > 0
