"""Round trips and invariants of the core types."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narrascope.types import Analysis, Article, DetectorResult, Document, Finding, Span, content_id


def test_article_id_is_content_hash_when_missing() -> None:
    a = Article(text="Hello world.")
    assert a.id == content_id("Hello world.") and len(a.id) == 16
    assert Article(text="Hello world.", id="x1").id == "x1"


def test_invalid_spans_rejected() -> None:
    with pytest.raises(ValueError):
        Span(5, 2)
    with pytest.raises(ValueError):
        Finding("x", 0.5, start=3, end=None)


@given(
    text=st.text(min_size=1, max_size=200),
    label=st.text(min_size=1, max_size=20),
    score=st.floats(0, 1),
    data=st.data(),
)
def test_analysis_round_trip(text: str, label: str, score: float, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    doc = Document(
        Article(text=text, outlet="o", meta=(("k", "v"),)), "en", 0.9, (Span(a, b),), (Span(0, len(text)),)
    )
    f = Finding(label, round(score, 4), start=a, end=b, evidence=(Span(a, b),), attrs=(("role", "x"),))
    an = Analysis(doc, (DetectorResult("techniques.v1", "m-1", (f,)),))
    assert Analysis.from_dict(an.to_dict()) == an
