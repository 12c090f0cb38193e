"""``frames``: the article's frames (SemEval-2023 Task 3 subtask 2: the 14 frames), several labels.

A ``doclabels.HeadDetector`` (a trained linear head over the pooled ``multi`` sentence vectors) reading the
committed model ``models/frames/``. The package: ``detector`` (the factory), ``formats`` (the official
format's writer), ``spec`` (its ``SPEC``).
"""

from narrascope.analyze.frames.detector import frames_v1
from narrascope.analyze.frames.formats import FORMATS, st2_rows
from narrascope.analyze.frames.spec import SPEC

__all__ = ["FORMATS", "SPEC", "frames_v1", "st2_rows"]
