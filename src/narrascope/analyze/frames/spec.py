"""What the ``frames`` detector declares: its ``SPEC``."""

from __future__ import annotations

from narrascope.analyze.frames.formats import FORMATS
from narrascope.analyze.spec import DetectorSpec

SPEC = DetectorSpec(
    task="frames",
    title="Frames",
    label_kind="frames",
    default=True,
    trainer="narrascope.analyze.doclabels_train:recipe",
    attributes=(),
    writers=FORMATS,
)
