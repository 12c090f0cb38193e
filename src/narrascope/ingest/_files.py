"""Read files and folders into articles: .txt, .html/.htm, .jsonl, .csv and .parquet; one error per bad
document. Also the predict layout (a folder of ``*.txt``, text as stored) and a cheap count of documents."""

from __future__ import annotations

import codecs
import csv
import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from narrascope.ingest._article import html_article, record_article, text_article
from narrascope.ingest._decode import decode_bytes
from narrascope.ingest._parquet import count_rows, iter_parquet
from narrascope.types import DEFAULT_LIMITS, Article, DocumentError, InputError, Limits, check_bytes

Item = Article | DocumentError
_Reader = Callable[[Path, Limits], Iterator[Item]]
_ID_PREFIX = "article"  # SemEval layouts: article111111111.txt has the id 111111111


def iter_articles(paths: Sequence[str | Path], limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Yield an article, or a :class:`DocumentError` naming the input and the problem, per document.

    Folders are read recursively in sorted order, skipping hidden files and folders and files of
    unknown type. A bad file or JSONL/CSV line yields one error and reading goes on.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for file in _walk(path):
                yield from _iter_file(file, limits)
        elif path.exists():
            yield from _iter_file(path, limits)
        else:
            yield DocumentError(str(path), "no such file or folder")


def read_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> list[Article]:
    """The articles of one file; raises :class:`InputError` naming the file (and line) and the problem."""
    if Path(path).is_dir():
        raise InputError(str(path), "is a folder, not a file (iter_articles reads folders)")
    articles: list[Article] = []
    for item in _iter_file(Path(path), limits):
        if isinstance(item, DocumentError):
            raise InputError(item.source, item.problem)
        articles.append(item)
    return articles


def iter_txt_folder(folder: str | Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Item]:
    """The predict layout: every ``*.txt`` of ``folder`` (not its subfolders), sorted, as an article whose
    id is :func:`file_id` and whose ``file`` metadata is the file name, or an error naming the file.

    The text is decoded but not normalised (``\\r\\n`` line ends kept), so that offsets and line numbers
    match those of the official gold files, which index the raw file. Raises :class:`InputError` when
    ``folder`` is not a folder.
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError(str(root), "not a folder")
    for path in sorted(root.glob("*.txt")):
        try:
            text = decode_bytes(_read_bytes(path, limits), str(path))
            if not text.strip():
                raise InputError(str(path), "empty document")
            yield Article(text=text, id=file_id(path), source=str(path), meta=(("file", path.name),))
        except InputError as exc:
            yield DocumentError(exc.source, exc.problem)
        except OSError as exc:
            yield DocumentError(str(path), f"could not be read ({exc.strerror or exc})")


def count_documents(paths: Sequence[str | Path]) -> int:
    """A cheap count of the documents :func:`iter_articles` would read from ``paths`` (one per text or
    HTML file, JSONL lines, CSV rows, Parquet rows), for a progress bar's ETA; nothing is decoded."""
    total = 0
    for raw in paths:
        path = Path(raw)
        files = _walk(path) if path.is_dir() else [path]
        total += sum(_count_file(f) for f in files if f.suffix.lower() in _READERS)
    return total


def _count_file(path: Path) -> int:
    suffix = path.suffix.lower()
    try:
        if suffix == ".jsonl":
            with path.open("rb") as f:
                return sum(1 for line in f if line.strip())
        if suffix == ".csv":
            with path.open("r", encoding="utf-8", errors="replace", newline="") as f:
                return max(sum(1 for _ in csv.reader(f)) - 1, 0)
        if suffix == ".parquet":
            return count_rows(path)
    except (OSError, ValueError, csv.Error):
        return 0
    return 1


def file_id(path: Path) -> str:
    """The id of a file's article: its stem, without a leading ``article`` (SemEval layouts)."""
    stem = path.stem
    if stem.startswith(_ID_PREFIX) and len(stem) > len(_ID_PREFIX):
        return stem[len(_ID_PREFIX) :]
    return stem


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and Path(name).suffix.lower() in _READERS:
                found.append(Path(folder) / name)
    return sorted(found)


def _iter_file(path: Path, limits: Limits) -> Iterator[Item]:
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(sorted(_READERS))
        yield DocumentError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; known: {known}")
        return
    try:
        yield from reader(path, limits)
    except InputError as exc:
        yield DocumentError(exc.source, exc.problem)
    except OSError as exc:
        yield DocumentError(str(path), f"could not be read ({exc.strerror or exc})")


def _read_bytes(path: Path, limits: Limits) -> bytes:
    check_bytes(path.stat().st_size, str(path), limits)  # before reading: a huge file is never loaded
    with path.open("rb") as f:
        data = f.read(limits.max_bytes + 1)
    check_bytes(len(data), str(path), limits)  # it grew since: only the first max_bytes + 1 were read
    return data


def _read_txt(path: Path, limits: Limits) -> Iterator[Item]:
    text = decode_bytes(_read_bytes(path, limits), str(path))
    yield text_article(text, file_id(path), str(path), {"file": path.name}, limits, furniture=False)


def _read_html(path: Path, limits: Limits) -> Iterator[Item]:
    html = decode_bytes(_read_bytes(path, limits), str(path), html=True)
    yield html_article(html, file_id(path), str(path), {"file": path.name}, limits)


def _read_parquet(path: Path, limits: Limits) -> Iterator[Item]:
    yield from iter_parquet(path, limits)


def _iter_jsonl(path: Path, limits: Limits) -> Iterator[Item]:
    with path.open("rb") as f:
        for lineno, raw in enumerate(f, 1):
            where = f"{path}:{lineno}"
            try:
                check_bytes(len(raw), where, limits, what="line")
                if not raw.strip():
                    continue
                yield record_article(_json_object(raw, lineno == 1), where, limits)
            except InputError as exc:
                yield DocumentError(where, exc.problem)
            except ValueError as exc:  # JSON syntax and UTF-8 errors
                yield DocumentError(where, f"not a valid JSON line ({exc})")


def _json_object(raw: bytes, first: bool) -> dict[str, Any]:
    value = json.loads(raw.decode("utf-8-sig" if first else "utf-8"))
    if not isinstance(value, dict):
        raise ValueError(f"expected an object, found {type(value).__name__}")
    return value


def _iter_csv(path: Path, limits: Limits) -> Iterator[Item]:
    csv.field_size_limit(max(csv.field_size_limit(), limits.max_bytes, 2 * limits.max_chars))
    encoding = _csv_encoding(path)
    with path.open("r", encoding=encoding, newline="") as f:
        reader = csv.DictReader(f, restkey="_extra")
        try:
            header = reader.fieldnames or []
        except UnicodeDecodeError as exc:
            raise InputError(str(path), f"not valid {encoding} text ({exc.reason})") from None
        if "text" not in header and "html" not in header:
            raise InputError(
                str(path), f"CSV header has no 'text' or 'html' column (found: {', '.join(header)})"
            )
        yield from _csv_rows(path, reader, encoding, limits)


def _csv_rows(path: Path, reader: csv.DictReader[str], encoding: str, limits: Limits) -> Iterator[Item]:
    while True:
        where = f"{path}:{reader.line_num + 1}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            yield DocumentError(where, f"not valid {encoding} text ({exc.reason}); rest of file skipped")
            return
        except csv.Error as exc:
            yield DocumentError(where, f"malformed CSV row ({exc})")
            continue
        try:
            yield record_article(dict(row), where, limits)
        except InputError as exc:
            yield DocumentError(where, exc.problem)


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as f:
        sample = f.read(65536)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or b"\x00" in sample:
        raise InputError(str(path), "not text: its encoding could not be detected (binary file?)")
    return str(best.encoding)


_READERS: dict[str, _Reader] = {
    ".txt": _read_txt,
    ".text": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _iter_jsonl,
    ".csv": _iter_csv,
    ".parquet": _read_parquet,
}
