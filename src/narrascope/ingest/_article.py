"""Build :class:`Article` values from text or HTML, with limits checked and the text normalised."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from narrascope.ingest._furniture import drop_furniture
from narrascope.ingest._normalize import normalize_text
from narrascope.types import DEFAULT_LIMITS, Article, InputError, Limits, check_chars

if TYPE_CHECKING:
    from narrascope.extract import ExtractedHtml

# Metadata keys that are Article fields; any other key goes into Article.meta.
_FIELDS = ("url", "outlet", "published", "title", "lang")


def article_from_text(text: str, id: str = "", *, limits: Limits = DEFAULT_LIMITS, **meta: object) -> Article:
    """An article whose stored text is ``normalize_text(text)`` without the lines of site furniture that
    HTML extraction drops too ("Leave a Reply", "Back to top"...: :func:`narrascope.ingest.drop_furniture`).

    Keywords ``source``, ``url``, ``outlet``, ``published``, ``title`` and ``lang`` fill the fields of
    the same name; the others go into ``Article.meta`` as strings. Raises :class:`InputError` for an
    empty or over-long text.
    """
    source = str(meta.pop("source", "") or "")
    return text_article(text, id, source, meta, limits, furniture=False)


def article_from_html(html: str, id: str = "", *, limits: Limits = DEFAULT_LIMITS, **meta: object) -> Article:
    """An article from the main text of a page; ``title``, ``url``, ``outlet`` and ``published`` default
    to what the page itself says (canonical link, site name, date)."""
    source = str(meta.pop("source", "") or "")
    return html_article(html, id, source, meta, limits)


def text_article(
    text: str, id: str, source: str, meta: Mapping[str, object], limits: Limits, *, furniture: bool = True
) -> Article:
    """:func:`article_from_text` with ``source`` apart, so ``meta`` may hold a "source" key of its own.
    ``furniture=False`` drops the furniture lines; records of JSONL and CSV files keep them (their text is
    data, given as is)."""
    where = source or "<text>"
    check_chars(text, where, limits)  # before normalising: an over-long input costs nothing more
    stored = normalize_text(text)
    if not furniture:
        stored = drop_furniture(stored)
    _check_content(stored, where, limits)
    return _build(stored, id, source, meta)


def html_article(html: str, id: str, source: str, meta: Mapping[str, object], limits: Limits) -> Article:
    """:func:`article_from_html` with ``source`` apart."""
    where = source or "<html>"
    page = _extract(html, where, limits)
    if not page.text.strip():
        raise InputError(where, "empty document (no text found in the HTML)")
    _check_content(page.text, where, limits)
    merged = dict(meta)
    found = {"title": page.title, "url": page.url, "outlet": page.sitename, "published": page.date}
    for name, value in found.items():
        if value and not merged.get(name):
            merged[name] = value
    return _build(page.text, id, source, merged)


def record_article(record: dict[str, Any], source: str, limits: Limits) -> Article:
    """An article from one JSONL object or CSV row: ``id``, ``text`` or ``html``, and metadata keys."""
    meta = {str(k): v for k, v in record.items() if v is not None and v != ""}
    rid = meta.pop("id", "")
    text, html = meta.pop("text", None), meta.pop("html", None)
    if isinstance(text, str):
        return text_article(text, str(rid), source, meta, limits)
    if isinstance(html, str):
        return html_article(html, str(rid), source, meta, limits)
    if text is not None or html is not None:
        raise InputError(source, "'text' and 'html' must be strings")
    raise InputError(source, "empty document (no 'text' or 'html' field)")


def _extract(html: str, where: str, limits: Limits) -> ExtractedHtml:
    """The one call from ``ingest`` into ``extract``, made lazily: HTML extraction (trafilatura) is
    extract's; ingest decides what is HTML and builds the article from the text extract returns."""
    from narrascope.extract import html_to_text

    return html_to_text(html, where, limits)


def _check_content(text: str, source: str, limits: Limits) -> None:
    stripped = len(text.strip())
    if stripped == 0:
        raise InputError(source, "empty document (no text, or only whitespace)")
    if stripped < limits.min_chars:
        raise InputError(source, f"text too short ({stripped} characters; the minimum is {limits.min_chars})")
    check_chars(text, source, limits)
    try:  # the content id hashes the UTF-8 form: a lone surrogate (e.g. JSON "\ud800") has none
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(source, "not valid Unicode text (it contains lone surrogates)") from None


def _build(text: str, id: str, source: str, meta: Mapping[str, object]) -> Article:
    fields = {name: _as_str(meta[name]) for name in _FIELDS if meta.get(name) is not None}
    extra = tuple(sorted((str(k), _as_str(v)) for k, v in meta.items() if k not in _FIELDS and v is not None))
    return Article(text=text, id=str(id), source=source, meta=extra, **fields)


def _as_str(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
