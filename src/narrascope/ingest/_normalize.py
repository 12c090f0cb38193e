"""Text normalisation: the stored text of every article is what :func:`normalize_text` returns."""

from __future__ import annotations

import re
import unicodedata

# Line breaks other than "\n": CRLF and CR first, then the Unicode separators and the
# vertical-tab / form-feed / NEL controls, so line numbers follow what a reader sees.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Every C0/C1 control except "\n" and "\t", plus the BOM / zero-width no-break space.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ufeff]")


def normalize_text(text: str) -> str:
    """Return ``text`` in the form Narrascope stores and indexes.

    NFC; ``\\r\\n``, ``\\r`` and other line separators become ``\\n``; BOMs, NUL and other control
    characters except ``\\n`` and ``\\t`` are dropped; trailing whitespace is removed from each line.
    Leading whitespace and empty lines are kept, so line numbers follow the input's lines.
    The function is idempotent.
    """
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    # split/rstrip rather than a regex: linear even on lines with huge runs of spaces
    return "\n".join(line.rstrip() for line in text.split("\n"))
