"""The official format written from the ``frames`` detector's results."""

from __future__ import annotations

from narrascope.analyze.spec import ArticleFormat
from narrascope.types import Analysis


def st2_rows(a: Analysis) -> list[str]:
    """SemEval-2023 subtask 2: ``id<TAB>frame,frame``."""
    r = a.result("frames")
    labels = ",".join(f.label for f in r.findings) if r else ""
    return [f"{a.document.article.id}\t{labels}"]


FORMATS = (ArticleFormat("semeval2023-st2", st2_rows),)
