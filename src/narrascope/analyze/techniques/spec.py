"""What the techniques detectors declare: one ``SPEC`` per version and mode, alike but for the trainer (and
the English mode is not default): the same task, title, label kind, formats and (no) attributes."""

from __future__ import annotations

from dataclasses import replace

from narrascope.analyze.spec import DetectorSpec
from narrascope.analyze.techniques.formats import FORMATS

SPEC = DetectorSpec(  # every version and mode of the task: located findings, no attributes
    task="techniques",
    title="Techniques",
    label_kind="techniques",
    default=True,
    trainer="narrascope.train.techniques:recipe",
    attributes=(),
    writers=FORMATS,
)
SPEC_V2 = replace(SPEC, trainer="narrascope.train.techniques_reader:recipe")  # techniques.v2, the reader's
SPEC_EN = replace(SPEC, default=False, trainer="narrascope.train.techniques_en:recipe")  # techniques-en.v1
