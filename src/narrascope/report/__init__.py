"""Renderers of one analysis: JSON (the versioned schema), terminal text, one self-contained HTML page; and
of two to four analyses side by side (``compare_html``, with its JSON twin ``compare_json``); and a stream of
analyses written as they come (``ReportStream``, what ``narrascope analyze`` writes). The HTML pages' parts
(``report_parts``, ``comparison_parts``) let another page, such as the web app's, compose them; ``esc`` and
``csp`` are the one HTML escaping and the one Content-Security-Policy of every page Narrascope writes."""

from narrascope.report._compare import CompareError, Comparison, compare, compare_json
from narrascope.report._compare_html import ComparisonParts, compare_html, comparison_parts
from narrascope.report._html import ReportParts, report_parts, to_html
from narrascope.report._json import to_json
from narrascope.report._safe import csp, esc, source_hash
from narrascope.report._stream import ReportStream
from narrascope.report._summary import Summary, headline, summarize
from narrascope.report._text import to_text

__all__ = [
    "CompareError",
    "Comparison",
    "ComparisonParts",
    "ReportParts",
    "ReportStream",
    "Summary",
    "compare",
    "compare_html",
    "compare_json",
    "comparison_parts",
    "csp",
    "esc",
    "headline",
    "report_parts",
    "source_hash",
    "summarize",
    "to_html",
    "to_json",
    "to_text",
]
