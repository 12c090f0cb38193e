"""Registers the built-in detectors under their versioned names."""

from __future__ import annotations

from narrascope.analyze.base import Detector, register
from narrascope.analyze.doclabels import HeadDetector, model_dir


@register("genre.v1")
def genre_v1() -> Detector:
    return HeadDetector("genre.v1", model_dir("genre"))


@register("frames.v1")
def frames_v1() -> Detector:
    return HeadDetector("frames.v1", model_dir("frames"))


@register("techniques.v1")
def techniques_v1() -> Detector:
    from narrascope.analyze.techniques import TechniquesDetector

    return TechniquesDetector("techniques.v1", model_dir("techniques"))


@register("techniques.v2")
def techniques_v2() -> Detector:
    from narrascope.analyze.techniques_reader import ReaderTechniquesDetector

    return ReaderTechniquesDetector("techniques.v2", model_dir("techniques-reader"))


@register("narratives.v1")
def narratives_v1() -> Detector:
    from narrascope.analyze.narratives import narratives_v1 as build

    return build()


@register("framing.v1")
def framing_v1() -> Detector:
    from narrascope.analyze.framing import framing_v1 as build

    return build()


@register("framing.v2")
def framing_v2() -> Detector:
    from narrascope.analyze.framing import framing_v2 as build

    return build()


@register("techniques-en.v1")
def techniques_en_v1() -> Detector:
    from narrascope.analyze.techniques import TechniquesDetector
    from narrascope.analyze.techniques_en import TechniquesEnDetector

    fallback = TechniquesDetector("techniques.v1", model_dir("techniques"))
    return TechniquesEnDetector("techniques-en.v1", model_dir("techniques-en"), fallback)


@register("claims.v1")
def claims_v1() -> Detector:
    from narrascope.analyze.claims import claims_v1 as build

    return build()
