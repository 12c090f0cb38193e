"""Bytes to text: BOMs, UTF-8, a declared HTML charset, then charset-normalizer; binary files rejected."""

from __future__ import annotations

import codecs
import re

from narrascope.types import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTML_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.IGNORECASE
)
# Control characters that never occur in text (tab, newlines, form feed and ESC-free ranges excluded).
_BINARY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_MAX_CONTROL_SHARE = 0.01
_MAX_BAD_UTF8 = 0.01


def decode_bytes(data: bytes, source: str, *, html: bool = False) -> str:
    """Decode the bytes of a text or HTML file; raise :class:`InputError` naming ``source`` if not text."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding, source)
    if b"\x00" in data:
        raise InputError(source, "binary file (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _mostly_utf8(data) or _guess(data, source, html)
    controls = len(_BINARY_CONTROLS.findall(text[:100_000]))
    if controls > _MAX_CONTROL_SHARE * min(len(text), 100_000):
        raise InputError(source, "binary file (it is full of control characters), not text")
    return text


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few stray bytes (a damaged file) is still UTF-8: decode with replacement characters."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    if bad <= _MAX_BAD_UTF8 * len(text) and bad * 4 < non_ascii:
        return text
    return None


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not valid {encoding} after its byte-order mark ({exc.reason})") from None


def _guess(data: bytes, source: str, html: bool) -> str:
    if html:
        declared = _HTML_CHARSET.search(data[:4096])
        if declared:
            name = declared.group(1).decode("ascii")
            try:
                return data.decode(name)
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: detect instead
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise InputError(source, "not text: its encoding could not be detected (binary file?)")
    return str(best)
