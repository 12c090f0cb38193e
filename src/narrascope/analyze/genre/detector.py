"""The ``genre`` detector's factory: the shared document-label head over its committed model."""

from __future__ import annotations

from narrascope.analyze.doclabels import HeadDetector, model_dir


def genre_v1() -> HeadDetector:
    return HeadDetector("genre.v1", model_dir("genre"))
