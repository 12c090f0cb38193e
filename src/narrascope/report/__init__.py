"""Renderers of one analysis: JSON (the versioned schema), terminal text, one self-contained HTML page."""

from narrascope.report._html import to_html
from narrascope.report._json import to_json
from narrascope.report._text import to_text

__all__ = ["to_html", "to_json", "to_text"]
