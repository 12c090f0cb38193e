"""SemEval-2025 Task 10 subtask-1 annotations (entity framing), with every offset checked against the text.

``{LANG}/subtask-1-annotations.txt`` rows: ``file<TAB>entity<TAB>start<TAB>end<TAB>main<TAB>fine...``
with ``end`` **inclusive**. The texts are read as ``predict`` reads them (``\\r\\n`` becomes ``\\n``), and
each mention is located in that text: the given offsets first, then the offsets read against the text with
Windows line endings restored (the RU quirk, and files that kept their ``\\r``), then the nearest occurrence
of the mention string within ``SEARCH_WINDOW`` characters. Mentions found nowhere are dropped and counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.datasets.semeval2025 import DOCUMENTS, _lang_of, language_folders
from narrascope.types import Article, InputError

ROLE_ANNOTATIONS = "subtask-1-annotations.txt"
SEARCH_WINDOW = 40


@dataclass(frozen=True)
class Mention:
    """One annotated (or given) mention: ``start``/``end`` half-open offsets into the read text; ``raw_start``
    and ``raw_end`` as the file wrote them (end inclusive), kept for output in the official format."""

    entity: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    main: str = ""
    fine: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoleDoc:
    """An article with its annotated mentions, in file order."""

    article: Article
    mentions: tuple[Mention, ...]

    @property
    def file(self) -> str:
        return dict(self.article.meta).get("file", self.article.id + ".txt")


@dataclass
class LoadReport:
    """What was read and what had to be repaired or dropped, per language."""

    rows: Counter[str] = field(default_factory=Counter)
    exact: Counter[str] = field(default_factory=Counter)
    crlf: Counter[str] = field(default_factory=Counter)
    searched: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)


def read_text(path: Path) -> str:
    """A document as ``predict`` reads it: UTF-8, ``\\r\\n`` as ``\\n``."""
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def _crlf_to_lf(text: str, offset: int) -> int:
    """The offset in ``text`` of position ``offset`` of ``text`` with every ``\\n`` written ``\\r\\n``."""
    pos = seen = 0
    for k, ch in enumerate(text):
        width = 2 if ch == "\n" else 1
        if seen + width > offset:
            return k if seen == offset else -1
        seen += width
        pos = k + 1
    return pos if seen == offset else -1


def locate(text: str, entity: str, start: int, end_incl: int) -> tuple[int, int, str]:
    """``(start, end, how)`` of a mention in ``text`` (end exclusive); ``how`` is ``exact``, ``crlf``,
    ``searched`` or ``""`` (not found: start = end = -1)."""
    n = len(entity)
    if text[start : end_incl + 1] == entity:
        return start, end_incl + 1, "exact"
    s = _crlf_to_lf(text, start)
    if s >= 0 and text[s : s + n] == entity:
        return s, s + n, "crlf"
    best = -1
    lo = max(0, start - SEARCH_WINDOW - text[:start].count("\n"))
    k = text.find(entity, lo)
    while 0 <= k <= start + SEARCH_WINDOW:
        if best < 0 or abs(k - start) < abs(best - start):
            best = k
        k = text.find(entity, k + 1)
    if best >= 0 and n:
        return best, best + n, "searched"
    return -1, -1, ""


def parse_row(line: str) -> tuple[str, str, int, int, str, tuple[str, ...]] | None:
    """``(file, entity, start, end_incl, main, fine)`` of an annotation or mentions row; ``None`` if blank."""
    parts = line.rstrip("\n").rstrip("\r").split("\t")
    if not line.strip():
        return None
    if len(parts) < 4:
        raise ValueError("expected file<TAB>entity<TAB>start<TAB>end[<TAB>main<TAB>fine...]")
    main = parts[4].strip() if len(parts) > 4 else ""
    fine = tuple(p.strip() for p in parts[5:] if p.strip())
    return parts[0].strip(), parts[1], int(parts[2]), int(parts[3]), main, fine


def read_rows(path: Path) -> list[tuple[str, str, int, int, str, tuple[str, ...]]]:
    """Every row of an annotation or mentions file, in file order (a header line is skipped)."""
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = parse_row(line)
        except ValueError as exc:
            if n == 1:
                continue
            raise InputError(f"{path}:{n}", str(exc)) from exc
        if row is not None:
            rows.append(row)
    return rows


def load_roles_folder(folder: Path, report: LoadReport, limit: int | None = None) -> list[RoleDoc]:
    """The annotated documents of one language folder, in file-name order."""
    lang = _lang_of(folder)
    by_file: dict[str, list[Mention]] = {}
    texts: dict[str, str] = {}
    for file, entity, start, end, main, fine in read_rows(folder / ROLE_ANNOTATIONS):
        if file not in texts:
            if limit is not None and len(texts) >= limit:
                continue
            path = folder / DOCUMENTS / file
            if not path.is_file():
                raise InputError(str(path), f"listed in {folder / ROLE_ANNOTATIONS} but missing")
            texts[file] = read_text(path)
        report.rows[lang] += 1
        s, e, how = locate(texts[file], entity, start, end)
        if not how:
            report.dropped[lang] += 1
            continue
        getattr(report, how)[lang] += 1
        by_file.setdefault(file, []).append(Mention(entity, s, e, start, end, main, fine))
    return [
        RoleDoc(
            Article(
                text=texts[f],
                id=f.removesuffix(".txt"),
                source=str(folder / DOCUMENTS / f),
                lang=lang,
                meta=(("file", f),),
            ),
            tuple(by_file[f]),
        )
        for f in sorted(by_file)
    ]


def load_roles(
    data: Path, langs: Sequence[str] | None = None, limit: int | None = None
) -> tuple[list[RoleDoc], LoadReport]:
    """Every annotated document under ``data`` (datasets folder, ``semeval2025_task10``, ``train`` or one
    language folder) with the load report; ``limit`` caps the documents per language."""
    wanted = {x.upper() for x in langs} if langs else None
    report = LoadReport()
    docs: list[RoleDoc] = []
    for folder in language_folders(data):
        if (folder / ROLE_ANNOTATIONS).is_file() and (wanted is None or folder.name.upper() in wanted):
            docs.extend(load_roles_folder(folder, report, limit))
    return docs, report
