"""The SemEval-2023 Task 3 folder layout: ``{en,fr,ge,it,po,ru}/train-articles-subtask-N/article{ID}.txt``
with ``train-labels-subtask-{1,2,3}.txt`` and ``train-labels-subtask-3-spans/``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from narrascope.ingest import file_id
from narrascope.types import Article, InputError

FOLDER = "semeval2023_task3"
LANGS: dict[str, str] = {"en": "en", "fr": "fr", "ge": "de", "it": "it", "po": "pl", "ru": "ru"}


@dataclass(frozen=True)
class LabelledDoc:
    article: Article
    labels: tuple[str, ...]


def task_root(data: Path) -> Path:
    """Accept the datasets folder or the task folder itself."""
    data = Path(data)
    if (data / FOLDER).is_dir():
        return data / FOLDER
    if (data / "en" / "train-articles-subtask-1").is_dir():
        return data
    raise InputError(str(data), f"no {FOLDER} layout here (expected {FOLDER}/en/train-articles-subtask-1/)")


def read_labels(path: Path) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) < 2:
            raise InputError(f"{path}:{n}", "expected id<TAB>labels")
        out[parts[0]] = tuple(x for x in parts[1].split(",") if x)
    return out


def read_article(path: Path, lang: str) -> Article:
    text = path.read_text(encoding="utf-8")
    return Article(text=text, id=file_id(path), source=str(path), lang=lang)


def load_subtask(
    data: Path, subtask: int, langs: Sequence[str] = tuple(LANGS), limit: int | None = None
) -> list[LabelledDoc]:
    """Labelled articles of subtask 1 (genre) or 2 (frames), every language folder present."""
    root = task_root(data)
    docs: list[LabelledDoc] = []
    for folder in langs:
        labels_path = root / folder / f"train-labels-subtask-{subtask}.txt"
        if not labels_path.is_file():
            continue
        labels = read_labels(labels_path)
        art_dir = root / folder / f"train-articles-subtask-{subtask}"
        ids = sorted(labels)[:limit] if limit else sorted(labels)
        for doc_id in ids:
            path = art_dir / f"article{doc_id}.txt"
            if path.is_file():
                docs.append(LabelledDoc(read_article(path, LANGS[folder]), labels[doc_id]))
    return docs
