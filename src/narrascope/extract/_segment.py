"""Paragraph and sentence segmentation: regular expressions plus a few rules, offsets exact.

Every span is trimmed (``text[s.start:s.end] == text[s.start:s.end].strip()``) and non-empty.
Paragraphs are the non-empty lines; sentences never cross a paragraph and never exceed
:data:`MAX_SENTENCE_CHARS` by much (long runs without punctuation are cut on whitespace).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from narrascope.types import Span


def _words(words: str) -> list[str]:
    return words.split()


MAX_SENTENCE_CHARS = 400

_LINE = re.compile(r"[^\n]+")
# A sentence end: terminators, then closing quotes or brackets, then whitespace or the paragraph's end.
# Ideographic terminators need no whitespace after them.
_CLOSERS = "\"'”’»)\\]」』）"
_BOUNDARY = re.compile(
    rf"(?:[.!?…]+|[।॥؟۔]+)[{_CLOSERS}]*(?=\s|$)"
    rf"|[。！？]+[{_CLOSERS}]*"
)
_OPENERS = "\"'“‘«([„"
_CONTINUERS = "—–-,;:"

# Abbreviations after which a full stop never ends a sentence (lower case, without the final dot).
_NEVER_BREAK = frozenset(
    _words(
        """
    mr mrs ms dr prof st sen rep gov gen lt col capt sgt maj adm cmdr rev hon pres supt insp
    messrs mme mlle jr sr vs v no nos fig figs approx ca cf e.g i.e al op vol pp p
    jan feb apr jun jul aug sep sept oct nov dec mt ft blvd
    dott sig sra srta dña dra av np tzn tj mgr
    hr frau nr bzw ggf evtl z.b d.h u.a s.o
    т.е т.к т.н им ул пр просп г-н г-жа проф акад тов напр см стр рис табл гл вул див
    """
    )
)
# Abbreviations that often end a sentence: the full stop ends one when the next word is capitalised.
_MAY_END = frozenset(_words("etc inc ltd co corp plc llc a.m p.m usw т.д т.п др ін тис млн млрд руб грн"))
_MONTHS_AFTER_ORDINAL = frozenset(
    _words(
        """
    januar jänner februar märz april mai juni juli august september oktober november dezember
    """
    )
)


def split_paragraphs(text: str) -> tuple[Span, ...]:
    """Each non-empty line of ``text`` is a paragraph; its span excludes the newline and outer whitespace.

    Lines are split on ``"\\n"`` only (normalised text has no other line break), so the k-th span
    belongs to the k-th non-empty line and callers can count line numbers from the spans.
    """
    spans: list[Span] = []
    for m in _LINE.finditer(text):
        line = m.group()
        stripped = line.strip()
        if stripped:
            start = m.start() + len(line) - len(line.lstrip())
            spans.append(Span(start, start + len(stripped)))
    return tuple(spans)


def split_sentences(text: str, paragraphs: Iterable[Span] | None = None) -> tuple[Span, ...]:
    """Split each paragraph of ``text`` into trimmed sentence spans, in order and without overlap."""
    if paragraphs is None:
        paragraphs = split_paragraphs(text)
    spans: list[Span] = []
    for para in paragraphs:
        for start, end in _paragraph_sentences(text, para.start, para.end):
            spans.extend(_cut_long(text, start, end))
    return tuple(spans)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    left = len(piece) - len(piece.lstrip())
    if left == len(piece):
        return start, start
    return start + left, start + len(piece.rstrip())


def _paragraph_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cur = start
    for m in _BOUNDARY.finditer(text, start, end):
        if m.end() <= cur or not _is_break(text, m, start, end):
            continue
        s, e = _trim(text, cur, m.end())
        if e > s:
            yield s, e
        cur = m.end()
    s, e = _trim(text, cur, end)
    if e > s:
        yield s, e


def _next_word_start(text: str, pos: int, end: int) -> int:
    while pos < end and text[pos].isspace():
        pos += 1
    while pos < end and text[pos] in _OPENERS:
        pos += 1
    return pos


def _is_break(text: str, m: re.Match[str], para_start: int, para_end: int) -> bool:
    """Whether the terminator run ``m`` ends a sentence."""
    nxt = _next_word_start(text, m.end(), para_end)
    if nxt >= para_end:
        return True
    next_char = text[nxt]
    if next_char.islower() or next_char in _CONTINUERS:
        return False  # "e.g. this", "Why? he asked", "«Нет!» — сказал он" continue the sentence
    if m.group() != ".":
        return True
    token = _token_before(text, m.start(), para_start)
    return not _is_abbreviation(text, token, m.start() - len(token) == para_start, nxt, para_end)


def _token_before(text: str, pos: int, floor: int) -> str:
    begin = pos
    while begin > floor and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:pos].lstrip(_OPENERS)


def _is_abbreviation(text: str, token: str, first_in_para: bool, nxt: int, para_end: int) -> bool:
    low = token.lower()
    if not token or low in _MAY_END:
        return False
    if low in _NEVER_BREAK:
        return True
    if len(token) == 1 and token.isalpha() and token.isupper():
        return True  # an initial: "J. Smith", "В. Путин"
    if "." in token and all(0 < len(part) <= 3 and part.isalpha() for part in token.split(".")):
        return True  # "U.S", "e.g", "т.е"
    if token.isdigit() and len(token) <= 3:
        if first_in_para:
            return True  # a numbered list item: "1. Introduction"
        word_end = nxt
        while word_end < para_end and text[word_end].isalpha():
            word_end += 1
        return text[nxt:word_end].lower() in _MONTHS_AFTER_ORDINAL  # "am 3. Oktober"
    return False


def _cut_long(text: str, start: int, end: int) -> Iterator[Span]:
    """Yield ``[start, end)`` in pieces of at most ~MAX_SENTENCE_CHARS, cut on whitespace when possible."""
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = _last_space(text, start + MAX_SENTENCE_CHARS // 2, limit)
        if cut < 0:
            cut = limit
        s, e = _trim(text, start, cut)
        if e > s:
            yield Span(s, e)
        start, end = _trim(text, cut, end)
    if end > start:
        yield Span(start, end)


def _last_space(text: str, lo: int, hi: int) -> int:
    for i in range(hi, lo, -1):
        if text[i].isspace():
            return i
    return -1
