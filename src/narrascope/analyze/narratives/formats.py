"""The official formats written from the narratives detector's results: SemEval-2025 Task 10 subtasks 2
(narratives and subnarratives) and 3 (the dominant narrative's explanation)."""

from __future__ import annotations

from narrascope.analyze.spec import ArticleFormat, file_of
from narrascope.types import Analysis


def st2_rows(a: Analysis) -> list[str]:
    """SemEval-2025 subtask 2: ``file<TAB>narrative;narrative<TAB>subnarrative;subnarrative`` (``Other``
    for none)."""
    r = a.result("narratives")
    findings = r.findings if r else ()
    coarse = [f.label for f in findings if f.attr("level") == "narrative"] or ["Other"]
    fine = [f.label for f in findings if f.attr("level") == "subnarrative"] or ["Other"]
    return [f"{file_of(a)}\t{';'.join(coarse)}\t{';'.join(fine)}"]


def st3_rows(a: Analysis) -> list[str]:
    """SemEval-2025 subtask 3: ``file<TAB>explanation`` of the dominant narrative (empty without one)."""
    r = a.result("narratives")
    dominant = [f for f in (r.findings if r else ()) if f.attr("dominant") == "true"]
    text = " ".join(dominant[0].attr("explanation").split()) if dominant else ""
    return [f"{file_of(a)}\t{text}"]


FORMATS = (ArticleFormat("semeval2025-st2", st2_rows), ArticleFormat("semeval2025-st3", st3_rows))
