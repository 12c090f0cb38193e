"""Coverage-guided fuzzing (atheris) of decoding, HTML extraction, normalisation and segmentation.

    .venv/bin/python fuzz/fuzz_ingest.py -atheris_runs=20000 -max_len=4096 [CORPUS_DIR]

Any exception other than ``InputError`` is a crash: atheris stops and writes the input to ``crash-*``.
Needs ``atheris`` (``pip install atheris==3.0.0``; a wheel exists for CPython 3.11 on Linux x86-64).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["narrascope"]):
    from narrascope.extract import prepare
    from narrascope.ingest import article_from_html, article_from_text, decode_bytes
    from narrascope.types import InputError, Limits

LIMITS = Limits(max_bytes=1_000_000, max_chars=200_000, max_html_depth=100, max_seconds=10)


def check(article_text: str, spans: tuple[object, ...]) -> None:
    last = 0
    for s in spans:
        start, end = s.start, s.end  # type: ignore[attr-defined]
        assert last <= start < end <= len(article_text), (start, end, len(article_text))
        last = end


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    as_html = fdp.ConsumeBool()
    raw = fdp.ConsumeBytes(fdp.remaining_bytes())
    try:
        text = decode_bytes(raw, "fuzz", html=as_html)
        build = article_from_html if as_html else article_from_text
        article = build(text, limits=LIMITS, source="fuzz")
    except InputError:
        return
    doc = prepare(article)
    check(article.text, doc.paragraphs)
    check(article.text, doc.sentences)


def main() -> None:
    import logging

    logging.disable(logging.CRITICAL)  # trafilatura logs every empty page
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
