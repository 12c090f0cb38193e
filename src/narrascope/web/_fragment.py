"""The report renderer's page, taken apart so the web app can frame it: no second renderer.

``report.to_html`` writes one self-contained page: its stylesheet, its body (header, highlighted article,
side panel, footer) and its one script, each in a fixed place. Article text inside it is escaped, so the
markers searched for here can only be the renderer's own tags.
"""

from __future__ import annotations

from dataclasses import dataclass

from narrascope.report import to_html
from narrascope.types import Analysis


class ReportLayoutError(RuntimeError):
    """The report page no longer has the shape this module expects (a renderer change)."""


@dataclass(frozen=True)
class ReportParts:
    title: str  # already escaped
    style: str
    body: str
    script: str


def _between(page: str, start: str, end: str, *, last: bool = False) -> str:
    i = page.rfind(start) if last else page.find(start)
    j = page.find(end, i + len(start)) if i >= 0 else -1
    if i < 0 or j < 0:
        raise ReportLayoutError(f"report page without {start}...{end}")
    return page[i + len(start) : j]


@dataclass(frozen=True)
class PageParts:
    title: str  # already escaped
    style: str
    body: str


def split_page(page: str) -> PageParts:
    """Title, first stylesheet and body of a page written by one of our renderers."""
    return PageParts(
        title=_between(page, "<title>", "</title>"),
        style=_between(page, "<style>", "</style>"),
        body=_between(page, "<body>", "</body>").strip("\n"),
    )


def report_parts(analysis: Analysis) -> ReportParts:
    """The pieces of ``report.to_html(analysis)``; the body excludes the final ``<script>``."""
    page = to_html(analysis)
    parts = split_page(page)
    cut = parts.body.rfind("\n<script>")
    if cut < 0:
        raise ReportLayoutError("report page without its script")
    script = _between(parts.body[cut:], "<script>", "</script>")
    return ReportParts(title=parts.title, style=parts.style, body=parts.body[:cut], script=script)
