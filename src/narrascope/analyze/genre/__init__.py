"""``genre``: the article's genre (SemEval-2023 Task 3 subtask 1: reporting, opinion, satire), one label.

A ``doclabels.HeadDetector`` (a trained linear head over the pooled ``multi`` sentence vectors) reading the
committed model ``models/genre/``. The package: ``detector`` (the factory), ``formats`` (the official
format's writer), ``spec`` (its ``SPEC``).
"""

from narrascope.analyze.genre.detector import genre_v1
from narrascope.analyze.genre.formats import FORMATS, st1_rows
from narrascope.analyze.genre.spec import SPEC

__all__ = ["FORMATS", "SPEC", "genre_v1", "st1_rows"]
