"""The official format written from the ``genre`` detector's results."""

from __future__ import annotations

from narrascope.analyze.spec import ArticleFormat
from narrascope.types import Analysis


def st1_rows(a: Analysis) -> list[str]:
    """SemEval-2023 subtask 1: ``id<TAB>genre`` (``reporting`` when the result is missing)."""
    r = a.result("genre")
    label = r.findings[0].label if r and r.findings else "reporting"
    return [f"{a.document.article.id}\t{label}"]


FORMATS = (ArticleFormat("semeval2023-st1", st1_rows),)
