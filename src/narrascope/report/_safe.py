"""The one HTML escaping function and the one Content-Security-Policy of every page Narrascope writes: the
standalone report and comparison (``report``), the corpus report (``corpus.report``) and the web app's pages
(``web``) all use these two."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape


def esc(value: object) -> str:
    """HTML-escape text or an attribute value (``str(value)``); a CR becomes ``&#13;`` (parsers turn a raw
    CR into LF, so the text would not come back exactly)."""
    return escape(str(value), quote=True).replace("\r", "&#13;")


def source_hash(source: str) -> str:
    """The CSP source that allows one inline block: ``'sha256-<base64 of its UTF-8 bytes' SHA-256>'``."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def csp(styles: Sequence[str] = (), scripts: Sequence[str] = (), *, served: bool = False) -> str:
    """The policy of a page: exactly the inline stylesheets and scripts given (by hash) may run.

    A standalone page (``served=False``) loads nothing at all: a kind of block none is given is ``'none'``.
    A page the web app serves (``served=True``) may also load its own site's files (``'self'``), and may
    neither be framed nor embed objects."""
    own = "'self'" if served else "'none'"

    def sources(blocks: Sequence[str]) -> str:
        hashes = [source_hash(b) for b in blocks]
        return " ".join(["'self'", *hashes] if served else hashes or ["'none'"])

    policy = [f"default-src {own}", f"style-src {sources(styles)}", f"script-src {sources(scripts)}"]
    policy += [f"img-src {own}"] + (["object-src 'none'"] if served else []) + ["base-uri 'none'"]
    policy += (["frame-ancestors 'none'"] if served else []) + [f"form-action {own}"]
    return "; ".join(policy)
