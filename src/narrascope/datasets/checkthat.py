"""The CheckThat! 2024 Task 1 layout: a TSV with a header, ``Sentence_id``, ``Text`` and, in labelled files,
``class_label`` (``Yes`` / ``No``); other columns are ignored. Quoted fields are unquoted (as pandas reads
them), and every problem is an ``InputError`` naming the file and the line."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from narrascope.types import InputError

FOLDER = "checkthat2024_task1_checkworthiness_en"
LABELS = ("No", "Yes")
_ID_COLUMNS = ("sentence_id", "id", "tweet_id")


@dataclass(frozen=True)
class CheckworthySentence:
    """One row: the sentence id, its text and (in labelled files) whether it is check-worthy."""

    id: str
    text: str
    label: str = ""  # "Yes", "No" or "" when the file has no class_label column

    @property
    def positive(self) -> bool:
        return self.label == "Yes"


def read_tsv(path: str | Path, *, labelled: bool = False) -> list[CheckworthySentence]:
    """The rows of a CheckThat! TSV, in file order. ``labelled`` requires a ``class_label`` column."""
    source = str(path)
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(source, f"cannot read the TSV ({exc})") from exc
    if not rows:
        raise InputError(source, "empty file: expected a header with Sentence_id and Text")
    header = [h.strip().lower() for h in rows[0]]
    id_col = next((header.index(c) for c in _ID_COLUMNS if c in header), None)
    text_col = header.index("text") if "text" in header else None
    label_col = header.index("class_label") if "class_label" in header else None
    if id_col is None or text_col is None or (labelled and label_col is None):
        need = "Sentence_id, Text" + (", class_label" if labelled else "")
        raise InputError(source, f"line 1: the header needs the columns {need}; found {', '.join(rows[0])}")
    out: list[CheckworthySentence] = []
    seen: set[str] = set()
    for line_no, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) <= max(id_col, text_col, label_col or 0):
            raise InputError(source, f"line {line_no}: {len(row)} columns, fewer than the header's")
        sid = row[id_col].strip()
        if not sid or sid in seen:
            raise InputError(source, f"line {line_no}: {'duplicate' if sid else 'empty'} id {sid!r}")
        seen.add(sid)
        label = row[label_col].strip() if label_col is not None else ""
        if label_col is not None and label not in LABELS:
            raise InputError(source, f"line {line_no}: class_label must be Yes or No, found {label!r}")
        out.append(CheckworthySentence(sid, row[text_col], label))
    return out


def find_split(data: Path, split: str) -> Path:
    """``CT24_checkworthy_english_{split}.tsv`` under ``data`` (the corpora folder or the task folder)."""
    name = f"CT24_checkworthy_english_{split}.tsv"
    for candidate in (data / name, data / FOLDER / name):
        if candidate.is_file():
            return candidate
    raise InputError(str(data), f"no {name} here or under {FOLDER}/")
