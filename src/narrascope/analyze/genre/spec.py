"""What the ``genre`` detector declares: its ``SPEC``."""

from __future__ import annotations

from narrascope.analyze.genre.formats import FORMATS
from narrascope.analyze.spec import DetectorSpec

SPEC = DetectorSpec(
    task="genre",
    title="Genre",
    label_kind="genres",
    default=True,
    trainer="narrascope.analyze.doclabels_train:recipe",
    attributes=(),
    writers=FORMATS,
)
