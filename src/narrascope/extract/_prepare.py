"""Prepare an article for analysis: language, paragraphs and sentences, offsets into ``article.text``."""

from __future__ import annotations

from narrascope.extract._lang import detect_language
from narrascope.extract._segment import split_paragraphs, split_sentences
from narrascope.types import Article, Document


def prepare(article: Article) -> Document:
    """Segment ``article.text`` and identify its language (``article.lang`` wins when given)."""
    text = article.text
    paragraphs = split_paragraphs(text)
    sentences = split_sentences(text, paragraphs)
    if article.lang:
        lang, score = article.lang, 1.0
    else:
        guess = detect_language(text)
        lang, score = guess.lang, guess.score
    return Document(article=article, lang=lang, lang_score=score, sentences=sentences, paragraphs=paragraphs)
