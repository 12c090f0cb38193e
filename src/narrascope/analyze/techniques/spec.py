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
    trainer="narrascope.analyze.techniques.train:recipe",
    attributes=(),
    writers=FORMATS,
)
# techniques.v2, the reader's
SPEC_V2 = replace(SPEC, trainer="narrascope.analyze.techniques.train_reader:recipe")
# techniques-en.v1
SPEC_EN = replace(SPEC, default=False, trainer="narrascope.analyze.techniques.train_english:recipe")
