"""SemEval-2023 Task 3 subtask 3: articles with their technique spans and paragraph (line) labels.

The span files index the raw file text; about two thirds of the non-English articles have Windows line ends,
so the offsets are mapped onto the text as read with universal newlines (``\\r\\n`` -> ``\\n``), the text
every other reader and the pipeline use. Spans that fall outside the text or are empty are dropped and
counted (none in the 2023 release).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from narrascope.datasets.semeval2023 import LANGS, task_root
from narrascope.types import Article, InputError

TECHNIQUES_FILE = "techniques_subtask3.txt"


@dataclass(frozen=True)
class GoldSpan:
    technique: str
    start: int
    end: int


@dataclass(frozen=True)
class SpanDoc:
    """One article, its gold spans (offsets into ``article.text``) and its labels per 1-based line number."""

    article: Article
    spans: tuple[GoldSpan, ...]
    lines: tuple[tuple[int, tuple[str, ...]], ...]
    dropped: int = 0

    def line_labels(self) -> dict[int, tuple[str, ...]]:
        return dict(self.lines)


def read_raw(path: Path) -> str:
    """The file text exactly as stored (no newline translation)."""
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


def normalise_offsets(raw: str) -> tuple[str, list[int]]:
    """The universal-newline text of ``raw`` and the sorted positions of the ``\\r`` characters it loses."""
    crs = [i for i, ch in enumerate(raw) if ch == "\r"]
    return raw.replace("\r\n", "\n").replace("\r", "\n") if crs else raw, crs


def map_offset(offset: int, crs: list[int], cr_is_lone: set[int]) -> int:
    """Raw offset -> offset in the normalised text (each ``\\r\\n`` before it is one character shorter)."""
    removed = bisect.bisect_left(crs, offset)
    removed -= sum(1 for c in crs[:removed] if c in cr_is_lone)
    return offset - removed


def read_span_file(path: Path, raw: str) -> tuple[list[GoldSpan], int]:
    """(spans in normalised offsets, number dropped) from an ``article{ID}-labels-subtask-3.txt`` file."""
    _, crs = normalise_offsets(raw)
    lone = {c for c in crs if not raw.startswith("\n", c + 1)}
    spans: list[GoldSpan] = []
    dropped = 0
    if not path.is_file():
        return spans, dropped
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t")
        if len(parts) < 4:
            continue
        try:
            start, end = int(parts[2]), int(parts[3])
        except ValueError as exc:
            raise InputError(f"{path}:{n}", "start and end must be integers") from exc
        if not 0 <= start < end <= len(raw):
            dropped += 1
            continue
        spans.append(GoldSpan(parts[1], map_offset(start, crs, lone), map_offset(end, crs, lone)))
    return spans, dropped


def read_line_labels(path: Path) -> dict[str, dict[int, tuple[str, ...]]]:
    """``train-labels-subtask-3.txt``: id -> line number -> techniques."""
    out: dict[str, dict[int, tuple[str, ...]]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[1].strip().isdigit():
            raise InputError(f"{path}:{n}", "expected id<TAB>line<TAB>techniques")
        techs = tuple(x for x in (parts[2] if len(parts) > 2 else "").split(",") if x)
        out.setdefault(parts[0], {})[int(parts[1])] = techs
    return out


def read_techniques(data: Path) -> list[str]:
    path = task_root(data) / TECHNIQUES_FILE
    return [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]


def load_st3(data: Path, langs: Sequence[str] = tuple(LANGS), limit: int | None = None) -> list[SpanDoc]:
    """Every subtask-3 training article (first ``limit`` ids per language) with spans and line labels."""
    from narrascope.datasets.split import natural_key

    root = task_root(data)
    docs: list[SpanDoc] = []
    for folder in langs:
        labels_path = root / folder / "train-labels-subtask-3.txt"
        if not labels_path.is_file():
            continue
        labels = read_line_labels(labels_path)
        ids = sorted(labels, key=natural_key)[:limit] if limit else sorted(labels, key=natural_key)
        for doc_id in ids:
            path = root / folder / "train-articles-subtask-3" / f"article{doc_id}.txt"
            if not path.is_file():
                continue
            raw = read_raw(path)
            text, _ = normalise_offsets(raw)
            spans, dropped = read_span_file(
                root / folder / "train-labels-subtask-3-spans" / f"article{doc_id}-labels-subtask-3.txt", raw
            )
            article = Article(text=text, id=doc_id, source=str(path), lang=LANGS[folder])
            docs.append(SpanDoc(article, tuple(spans), tuple(sorted(labels[doc_id].items())), dropped))
    return docs
