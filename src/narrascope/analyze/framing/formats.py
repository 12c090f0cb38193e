"""The official format written from the framing detectors' results: SemEval-2025 Task 10 subtask 1, the roles
of entity mentions (``st1_rows`` for the mentions a detector found; ``official_row`` and ``FALLBACK_ROW`` for
given mentions, ``predict --mentions``)."""

from __future__ import annotations

from narrascope.analyze.spec import ArticleFormat, file_of
from narrascope.types import Analysis


def st1_rows(a: Analysis) -> list[str]:
    """SemEval-2025 subtask 1 without a mentions file: one row per mention the detector found,
    ``file<TAB>text<TAB>start<TAB>end<TAB>main<TAB>fine...`` (end inclusive)."""
    r = a.result("framing")
    rows = []
    for f in r.findings if r else ():
        if f.attr("level") == "mention" and f.start is not None and f.end is not None:
            fine = "\t".join(f.attr("fine_roles").split(","))
            text = " ".join(a.document.text[f.start : f.end].split())
            rows.append(f"{file_of(a)}\t{text}\t{f.start}\t{f.end - 1}\t{f.attr('main_role')}\t{fine}")
    return rows


FALLBACK_ROW = "Antagonist\tForeign Adversary"


def official_row(file: str, entity: str, start: int, end_incl: int, roles: str) -> str:
    """``file<TAB>entity<TAB>start<TAB>end<TAB>main<TAB>fine...`` (``roles`` already TAB-joined)."""
    return f"{file}\t{entity}\t{start}\t{end_incl}\t{roles}"


FORMATS = (ArticleFormat("semeval2025-st1", st1_rows),)
