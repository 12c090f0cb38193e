"""Registers the built-in detectors under their versioned names, each with the spec its module declares.

Adding one is its module (the detector, its factory and its ``DetectorSpec``) and one line here.
"""

from __future__ import annotations

from narrascope.analyze import (
    claims,
    frames,
    framing,
    genre,
    narratives,
    techniques,
)
from narrascope.analyze.base import register

register("genre.v1", genre.SPEC)(genre.genre_v1)
register("frames.v1", frames.SPEC)(frames.frames_v1)
register("techniques.v1", techniques.SPEC)(techniques.techniques_v1)
register("techniques.v2", techniques.SPEC_V2)(techniques.techniques_v2)
register("narratives.v1", narratives.SPEC)(narratives.narratives_v1)
register("framing.v1", framing.SPEC_V1)(framing.framing_v1)
register("framing.v2", framing.SPEC_V2)(framing.framing_v2)
register("techniques-en.v1", techniques.SPEC_EN)(techniques.techniques_en_v1)
register("claims.v1", claims.SPEC)(claims.claims_v1)
