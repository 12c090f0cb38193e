"""Is it HTML? Deciding what an input is belongs to ingest; turning a page into text is ``extract``'s."""

from __future__ import annotations

import re

_HTML_START = re.compile(
    r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


def looks_like_html(text: str) -> bool:
    """A pasted text is taken as a saved page when it starts like one (doctype, ``<html>``, ``<body>``,
    after any comments)."""
    return bool(_HTML_START.match(text[:4096]))


def is_html_name(name: str) -> bool:
    """A file name that says HTML (``.html``, ``.htm``, ``.xhtml``, any case)."""
    return name.lower().endswith(HTML_SUFFIXES)
