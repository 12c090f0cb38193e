"""The SemEval-2025 Task 10 folder layout (narratives), also the layout users label their own documents in.

``{LANG}/raw-documents/*.txt`` with ``{LANG}/subtask-2-annotations.txt`` (``file<TAB>narratives<TAB>
subnarratives``, ``;``-separated, the file name keeping ``.txt``) and optionally
``{LANG}/subtask-3-annotations.txt``
(``file<TAB>dominant narrative<TAB>dominant subnarrative<TAB>explanation``). ``data`` may be the datasets
folder, ``semeval2025_task10``, its ``train`` folder, or one language folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from narrascope.types import Article, InputError

FOLDER = "semeval2025_task10"
LANGS: tuple[str, ...] = ("BG", "EN", "HI", "PT", "RU")
ANNOTATIONS = "subtask-2-annotations.txt"
EXPLANATIONS = "subtask-3-annotations.txt"
DOCUMENTS = "raw-documents"


@dataclass(frozen=True)
class NarrativeDoc:
    """One labelled article: its narratives and subnarratives (official strings), and the dominant ones with
    their explanation where subtask 3 annotates them."""

    article: Article
    narratives: tuple[str, ...]
    subnarratives: tuple[str, ...]
    dominant: str = ""
    dominant_sub: str = ""
    explanation: str = ""

    @property
    def file(self) -> str:
        return dict(self.article.meta).get("file", self.article.id + ".txt")


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x.strip() for x in items if x.strip()))


def language_folders(data: Path) -> list[Path]:
    """The folders holding ``raw-documents`` + annotations under ``data`` (accepts several roots)."""
    data = Path(data)
    for root in (data / FOLDER / "train", data / "train", data):
        if (root / ANNOTATIONS).is_file() and (root / DOCUMENTS).is_dir():
            return [root]
        found = sorted(p for p in root.iterdir() if (p / ANNOTATIONS).is_file()) if root.is_dir() else []
        if found:
            return found
    raise InputError(
        str(data),
        f"no narrative annotations here (expected {{LANG}}/{ANNOTATIONS} and "
        f"{{LANG}}/{DOCUMENTS}/, as in {FOLDER}/train)",
    )


def read_annotations(path: Path) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``file -> (narratives, subnarratives)`` of a subtask-2 annotation file (duplicates removed)."""
    out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            raise InputError(f"{path}:{n}", "expected file<TAB>narratives<TAB>subnarratives")
        out[parts[0].strip()] = (_unique(parts[1].split(";")), _unique(parts[2].split(";")))
    return out


def read_explanations(path: Path) -> dict[str, tuple[str, str, str]]:
    """``file -> (dominant narrative, dominant subnarrative, explanation)``; empty when the file is absent."""
    out: dict[str, tuple[str, str, str]] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 4:
            out[parts[0].strip()] = (parts[1].strip(), parts[2].strip(), "\t".join(parts[3:]).strip())
    return out


def _lang_of(folder: Path) -> str:
    return folder.name.lower() if folder.name.upper() in LANGS else ""


def load_folder(folder: Path, limit: int | None = None) -> list[NarrativeDoc]:
    """The labelled articles of one language folder, in file-name order; unlabelled files are skipped."""
    labels = read_annotations(folder / ANNOTATIONS)
    explained = read_explanations(folder / EXPLANATIONS)
    docs: list[NarrativeDoc] = []
    for name in sorted(labels):
        path = folder / DOCUMENTS / name
        if not path.is_file():
            raise InputError(str(path), f"listed in {folder / ANNOTATIONS} but missing")
        text = path.read_text(encoding="utf-8")
        article = Article(
            text=text,
            id=name.removesuffix(".txt"),
            source=str(path),
            lang=_lang_of(folder),
            meta=(("file", name),),
        )
        dom = explained.get(name, ("", "", ""))
        docs.append(NarrativeDoc(article, *labels[name], dom[0], dom[1], dom[2]))
        if limit is not None and len(docs) >= limit:
            break
    return docs


def load_narratives(
    data: Path, langs: Sequence[str] | None = None, limit: int | None = None
) -> list[NarrativeDoc]:
    """Every labelled article under ``data``; ``langs`` (e.g. ``["EN"]``) selects folders; ``limit`` caps
    the documents per folder."""
    wanted = {x.upper() for x in langs} if langs else None
    docs: list[NarrativeDoc] = []
    for folder in language_folders(data):
        if wanted is None or folder.name.upper() in wanted:
            docs.extend(load_folder(folder, limit))
    return docs
