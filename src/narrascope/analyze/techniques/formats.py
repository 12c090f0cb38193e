"""The official formats written from the techniques detectors' results (every version and mode): the
paragraph labels of SemEval-2023 subtask 3 and the located ``spans``."""

from __future__ import annotations

from collections.abc import Sequence

from narrascope.analyze.spec import ArticleFormat
from narrascope.types import Analysis, Document, Finding


def paragraph_labels(doc: Document, findings: Sequence[Finding]) -> list[list[str]]:
    """Per paragraph of ``doc``, the techniques whose spans overlap it (sorted, no duplicates)."""
    out: list[set[str]] = [set() for _ in doc.paragraphs]
    for f in findings:
        if f.start is None or f.end is None:
            continue
        for k, p in enumerate(doc.paragraphs):
            if f.start < p.end and p.start < f.end:
                out[k].add(f.label)
    return [sorted(s) for s in out]


def line_number(text: str, offset: int) -> int:
    """The 1-based line of ``offset`` in ``text``, counting every line, empty ones too."""
    return text.count("\n", 0, offset) + 1


def st3_rows(analysis: Analysis) -> list[str]:
    """SemEval-2023 subtask 3 rows: ``id<TAB>line<TAB>tech,tech`` for each non-empty line of the article."""
    doc = analysis.document
    result = analysis.result("techniques")
    per_para = paragraph_labels(doc, result.findings if result else ())
    return [
        f"{doc.article.id}\t{line_number(doc.text, p.start)}\t{','.join(labels)}"
        for p, labels in zip(doc.paragraphs, per_para, strict=True)
    ]


def span_rows(analysis: Analysis) -> list[str]:
    """``id<TAB>technique<TAB>start<TAB>end`` (end exclusive) for every located technique finding."""
    result = analysis.result("techniques")
    doc_id = analysis.document.article.id
    return [
        f"{doc_id}\t{f.label}\t{f.start}\t{f.end}"
        for f in (result.findings if result else ())
        if f.start is not None and f.end is not None and f.end > f.start
    ]


FORMATS = (ArticleFormat("semeval2023-st3", st3_rows), ArticleFormat("spans", span_rows))
