"""The detector conformance checks (as sklearn's ``check_estimator``), shared by the suite over every
registered detector (``test_detectors.py``) and the test of a detector plugged in through its entry point
(``test_plugins.py``)."""

from __future__ import annotations

from narrascope.analyze.base import Detector
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


def check_detector(detector: Detector) -> None:
    """A registered detector's results: one per document, scores in [0, 1], spans inside the text, evidence
    among the document's sentences, a lossless round trip, batch equal to one by one, known spaces."""
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
