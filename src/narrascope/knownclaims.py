"""Known claims files: the EUvsDisinfo case export, a CSV ``id,claim[,date,url]`` or a plain
``claim,date,url``.

Read as a stream of rows with bounds, so a bad file fails early with an error naming it: columns missing,
bytes that are not UTF-8 (the line is named), a field or a file too large, more rows than ``max_claims``
(every claim's vector is kept in memory while matching).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from narrascope.types import InputError, content_id

MAX_CLAIMS = 100_000  # vectors of 512 float32 each: about 200 MB at the limit
MAX_BYTES = 200_000_000
MAX_FIELD = 100_000  # characters in one field
_EUVSDISINFO = {"date", "id", "title"}  # posts.csv of the EUvsDisinfo export: date,id(case URL),title,...
_LAYOUTS = "id,claim[,date,url], claim[,date,url] or the EUvsDisinfo export (date,id,title,...)"


@dataclass(frozen=True)
class Claim:
    """One known (debunked) claim: an id, its wording, and where it was published or debunked."""

    id: str
    claim: str
    date: str = ""
    url: str = ""


_Maker = Callable[[dict[str, str]], Claim | None]


def read_claims(path: str | Path, max_claims: int = MAX_CLAIMS, max_bytes: int = MAX_BYTES) -> list[Claim]:
    """Every claim of a claims file, in file order (rows with an empty claim skipped).

    Raises ``InputError`` naming the file (and the line where there is one) when the file cannot be read,
    is not UTF-8, lacks the columns of every known layout, or is over ``max_bytes`` or ``max_claims``."""
    return list(iter_claims(path, max_claims=max_claims, max_bytes=max_bytes))


def iter_claims(
    path: str | Path, max_claims: int = MAX_CLAIMS, max_bytes: int = MAX_BYTES
) -> Iterator[Claim]:
    """``read_claims`` as a stream: rows are checked and yielded one at a time."""
    source = str(path)
    try:
        size = Path(path).stat().st_size
    except OSError as exc:
        raise InputError(source, f"cannot read the claims file ({exc.strerror or exc})") from exc
    if size > max_bytes:
        raise InputError(source, f"claims file is {size:,} bytes, over the limit of {max_bytes:,}")
    with Path(path).open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        try:
            yield from _rows(source, reader, max_claims)
        except UnicodeDecodeError as exc:
            raise InputError(
                source, f"near line {reader.line_num + 1}: not UTF-8 text ({exc.reason}); save it as UTF-8"
            ) from exc
        except csv.Error as exc:
            raise InputError(source, f"line {reader.line_num}: not a readable CSV row ({exc})") from exc


def _rows(source: str, reader: Iterator[list[str]], max_claims: int) -> Iterator[Claim]:
    header = [h.strip().lower() for h in next(reader, [])]
    make = _layout(source, header)
    count = 0
    for line_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if any(len(cell) > MAX_FIELD for cell in row):
            raise InputError(source, f"line {line_no}: a field is over {MAX_FIELD:,} characters")
        claim = make(dict(zip(header, row, strict=False)))
        if claim is None:
            continue
        count += 1
        if count > max_claims:
            raise InputError(
                source, f"more than {max_claims:,} claims; split the file or keep the claims that matter"
            )
        yield claim


def _layout(source: str, header: list[str]) -> _Maker:
    columns = set(header)
    if {"id", "claim"} <= columns:
        return _plain_with_id
    if columns >= _EUVSDISINFO:
        return _euvsdisinfo
    if "claim" in columns:
        return _plain
    found = ", ".join(h for h in header if h) or "no header"
    raise InputError(source, f"claims file needs the columns {_LAYOUTS}; found: {found}")


def _plain_with_id(row: dict[str, str]) -> Claim | None:
    text = (row.get("claim") or "").strip()
    if not text:
        return None
    return Claim((row.get("id") or "").strip() or content_id(text), text, _get(row, "date"), _get(row, "url"))


def _plain(row: dict[str, str]) -> Claim | None:
    text = (row.get("claim") or "").strip()
    return Claim(content_id(text), text, _get(row, "date"), _get(row, "url")) if text else None


def _euvsdisinfo(row: dict[str, str]) -> Claim | None:
    """The case URL is the url, its last path part the id, the title the claim."""
    text = _get(row, "title")
    if not text:
        return None
    url = _get(row, "id")
    slug = url.rstrip("/").rsplit("/", 1)[-1] or url or content_id(text)
    return Claim(slug, text, _get(row, "date"), url)


def _get(row: dict[str, str], key: str) -> str:
    return (row.get(key) or "").strip()
