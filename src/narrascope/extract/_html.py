"""HTML to clean article text: trafilatura, then a line-wise filter for the site furniture it leaves.

Nothing here reaches the network: trafilatura is given the page's markup, never a URL to fetch.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from narrascope.ingest._furniture import remove_furniture
from narrascope.ingest._normalize import normalize_text
from narrascope.types import DEFAULT_LIMITS, InputError, Limits, check_chars


def _words(words: str) -> list[str]:
    return words.split()


# "[^<>]" rather than "[^>]" keeps the scan linear on stray "<" characters.
_TAG = re.compile(r"<!--|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^<>]*?(/?)>")
# Elements whose content is text, not markup: the scan jumps to their end tag.
_RAW_END = {name: re.compile(f"</{name}", re.IGNORECASE) for name in ("script", "style", "textarea", "title")}
# Elements that have no end tag, or whose end tag may be left out (so they never nest deeper).
_NO_DEPTH = frozenset(
    _words(
        """
    area base br col embed hr img input link meta param source track wbr keygen command basefont frame
    p li dt dd tr td th option optgroup thead tbody tfoot colgroup rt rp html head body
    script style textarea title
    """
    )
)
_XML_INCOMPATIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "head")
_BLOCK_TAGS = frozenset(
    _words(
        """
    p div br li ul ol h1 h2 h3 h4 h5 h6 tr table section article header footer aside nav blockquote pre
    dt dd figure figcaption main form address
    """
    )
)


@dataclass(frozen=True)
class ExtractedHtml:
    """The text of a page (normalised, furniture removed) and the metadata trafilatura found."""

    text: str
    title: str = ""
    url: str = ""
    date: str = ""
    sitename: str = ""
    author: str = ""


def html_to_text(html: str, source: str = "<html>", limits: Limits = DEFAULT_LIMITS) -> ExtractedHtml:
    """Extract the main text of ``html``; raise :class:`InputError` naming ``source`` when it is unusable.

    Pages nested deeper than ``limits.max_html_depth`` are rejected before parsing. When trafilatura finds
    no main text (tiny pages), the text of ``<body>`` without scripts and styles is used instead.
    """
    check_chars(html, source, limits, what="HTML")
    depth = html_depth(html)
    if depth > limits.max_html_depth:
        raise InputError(
            source, f"HTML nested too deeply ({depth} levels; the limit is {limits.max_html_depth})"
        )
    if limits.max_seconds > 0:
        return _within(limits.max_seconds, source, html)
    return _extract(html)


def _extract(html: str) -> ExtractedHtml:
    doc = _trafilatura(html)
    text = remove_furniture(normalize_text(str(getattr(doc, "text", "") or "")))
    if not text.strip():
        text = remove_furniture(normalize_text(_body_text(html)))
    return ExtractedHtml(
        text=text,
        title=_meta(doc, "title"),
        url=_meta(doc, "url"),
        date=_meta(doc, "date"),
        sitename=_meta(doc, "sitename"),
        author=_meta(doc, "author"),
    )


def _within(seconds: float, source: str, html: str) -> ExtractedHtml:
    """:func:`_extract` in a daemon worker thread, abandoned (InputError) when it runs past ``seconds``.

    A thread cannot be stopped: an abandoned one finishes in the background and its result is dropped.
    """
    import lxml.html  # noqa: F401  (imported before the clock starts: it times the page, not imports)
    import trafilatura  # noqa: F401

    box: list[ExtractedHtml | BaseException] = []

    def work() -> None:
        try:
            box.append(_extract(html))
        except BaseException as exc:  # handed to the caller's thread below
            box.append(exc)

    worker = threading.Thread(target=work, name="narrascope-html", daemon=True)
    worker.start()
    worker.join(seconds)
    if not box:
        raise InputError(source, f"HTML extraction took over {seconds:g} s (the per-document time limit)")
    if isinstance(box[0], BaseException):
        raise box[0]
    return box[0]


def html_depth(html: str) -> int:
    """The deepest element nesting of ``html``, counted cheaply from its tags (no parser, linear time)."""
    depth = deepest = pos = 0
    while (m := _TAG.search(html, pos)) is not None:
        pos = m.end()
        closing, name, self_closing = m.groups()
        if name is None:  # a comment: skip to its end
            found = html.find("-->", pos)
            pos = len(html) if found < 0 else found
            continue
        name = name.lower()
        if not closing and name in _RAW_END:
            end = _RAW_END[name].search(html, pos)
            pos = len(html) if end is None else end.start()
        if name in _NO_DEPTH or self_closing:
            continue
        if closing:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _trafilatura(html: str) -> Any:
    import trafilatura

    try:
        return trafilatura.bare_extraction(
            html,
            include_comments=False,
            include_tables=True,
            favor_precision=True,
            with_metadata=True,
            deduplicate=False,
        )
    except (ValueError, TypeError, RecursionError):  # lxml raises these on some malformed pages
        return None
    except AssertionError:  # htmldate's drop_tree on a root <svg> ("<svg>html"): lxml asserts a parent
        return None


def _meta(doc: Any, name: str) -> str:
    value = getattr(doc, name, None) if doc is not None else None
    return " ".join(str(value).split()) if value else ""


def _body_text(html: str) -> str:
    """Text of the page's body with scripts and styles removed, one line per block element."""
    import lxml.etree
    import lxml.html

    try:  # lxml refuses to set a tail holding C0 controls; normalize_text drops them anyway
        root = lxml.html.document_fromstring(_XML_INCOMPATIBLE.sub("", html))
    except (lxml.etree.ParserError, ValueError):
        return ""
    for bad in list(root.iter(*_DROP_TAGS)):
        bad.drop_tree()
    body = root.find("body")
    node = body if body is not None else root
    for el in node.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in node.text_content().split("\n"))
    return "\n".join(line for line in lines if line)
