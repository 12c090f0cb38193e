"""``predict``: a folder of ``*.txt`` articles in, exactly the official submission format of a task out.

The formats and their writers are the built-in detectors' (each spec's ``writers``, defined in its package's
``formats.py``): ``TASKS`` holds those written article by article, ``SENTENCE_TASKS`` those over a file of
sentences. This module reads the input, runs the analyzer and writes the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from narrascope.analyze.base import MissingDetectorError, available, builtin_specs
from narrascope.analyze.spec import ArticleFormat, SentenceFormat
from narrascope.ingest import iter_txt_folder
from narrascope.pipeline import Analyzer
from narrascope.types import Analysis, DocumentError, InputError

__all__ = [
    "SENTENCE_TASKS",
    "TASKS",
    "MissingDetectorError",
    "PredictSummary",
    "PredictTask",
    "predict",
    "predict_checkthat",
    "task_for",
]

Formatter = Callable[[Analysis], list[str]]


@dataclass(frozen=True)
class PredictTask:
    name: str
    detector: str
    format_rows: Formatter


@dataclass(frozen=True)
class SentenceTask:
    name: str
    detector: str
    write: Callable[[Path, Path, str | None], int]


def _official_formats() -> tuple[dict[str, PredictTask], dict[str, SentenceTask]]:
    """Every official format a built-in spec carries the writer of, by name, with the task it is written from
    (the first spec of a format gives its writer: a task's versions and modes share theirs)."""
    articles: dict[str, PredictTask] = {}
    sentences: dict[str, SentenceTask] = {}
    for spec in builtin_specs().values():
        for w in spec.writers:
            if w.name in articles or w.name in sentences:
                continue
            if isinstance(w, ArticleFormat):
                articles[w.name] = PredictTask(w.name, spec.task, w.rows)
            elif isinstance(w, SentenceFormat):
                sentences[w.name] = SentenceTask(w.name, spec.task, w.write)
    return dict(sorted(articles.items())), dict(sorted(sentences.items()))


TASKS, SENTENCES = _official_formats()  # official formats written per article; per sentence of a TSV
SENTENCE_TASKS = tuple(SENTENCES)  # a TSV of sentences in, one label per sentence out


@dataclass(frozen=True)
class PredictSummary:
    written: int
    errors: tuple[DocumentError, ...]
    unit: str = "articles"  # what ``written`` counts


def task_for(name: str) -> PredictTask:
    if name not in TASKS:
        raise KeyError(f"unknown task {name!r}; tasks: {', '.join([*TASKS, *SENTENCE_TASKS])}")
    task = TASKS[name]
    if not any(n.split(".")[0] == task.detector for n in available()):
        raise MissingDetectorError(
            f"task {name} needs the {task.detector!r} detector, which is not available in this version "
            f"(available: {', '.join(available())})"
        )
    return task


def predict(
    task_name: str,
    input_dir: Path,
    out: Path,
    analyzer: Analyzer | None = None,
    mentions: Path | None = None,
    detector: str | None = None,
) -> PredictSummary:
    """Write the official format of ``task_name`` for every article of ``input_dir`` to ``out``.

    ``mentions`` (``semeval2025-st1`` only): the given entity mentions, one row each in the output, in the
    mentions file's order (the official scorer pairs some figures by row order). ``detector``: another
    detector serving the task's detector's task, e.g. ``techniques-en`` for ``semeval2023-st3``."""
    from narrascope.analyze.base import resolve
    from narrascope.types import task_of

    if task_name in SENTENCE_TASKS:
        if mentions is not None:
            raise InputError(str(mentions), f"--mentions applies to semeval2025-st1, not {task_name}")
        sentences = SENTENCES[task_name]
        return PredictSummary(sentences.write(input_dir, out, detector), (), unit="sentences")
    task = task_for(task_name)
    if detector is not None:
        if task_of(resolve(detector)) != task.detector:
            raise MissingDetectorError(
                f"detector {detector!r} does not serve {task.detector!r}, which task {task_name} needs"
            )
        analyzer = analyzer or Analyzer(detectors=(detector,))
    if mentions is not None:
        if task_name != "semeval2025-st1":
            raise InputError(str(mentions), f"--mentions applies to semeval2025-st1, not {task_name}")
        return _predict_mentions(input_dir, mentions, out, analyzer or Analyzer(detectors=(task.detector,)))
    analyzer = analyzer or Analyzer(detectors=(task.detector,))
    items = list(iter_txt_folder(input_dir))
    errors: list[DocumentError] = []
    written = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for outcome in analyzer.run(items):
            if outcome.error is not None:
                errors.append(outcome.error)
            elif outcome.analysis is not None:
                for row in task.format_rows(outcome.analysis):
                    f.write(row + "\n")
                written += 1
    return PredictSummary(written, tuple(errors))


def predict_checkthat(
    input_tsv: Path, out: Path, detector: str | None = None, chunk: int = 2000
) -> PredictSummary:
    """CheckThat! 2024 Task 1 (``checkthat2024-t1``): the claims package's writer
    (``analyze.claims.formats.write_checkthat``), counted in sentences."""
    from narrascope.analyze.claims.formats import write_checkthat

    return PredictSummary(write_checkthat(input_tsv, out, detector, chunk), (), unit="sentences")


def _predict_mentions(input_dir: Path, mentions: Path, out: Path, analyzer: Analyzer) -> PredictSummary:
    """``semeval2025-st1`` in the official setting: roles for the given mentions, in the file's order; a
    mention whose article is missing or failed still gets a row (the fallback roles), and an error."""
    from narrascope.analyze.base import GivenRoles
    from narrascope.analyze.framing.formats import FALLBACK_ROW, official_row
    from narrascope.entities.annotations import read_rows
    from narrascope.types import Article

    detector = next((d for d in analyzer.loaded_detectors if isinstance(d, GivenRoles)), None)
    if detector is None:
        names = ", ".join(d.name for d in analyzer.loaded_detectors) or "none"
        raise MissingDetectorError(
            f"semeval2025-st1 with --mentions needs a detector that decides the roles of given mentions "
            f"(given_roles); none of the loaded detectors does ({names})"
        )
    rows = read_rows(mentions)
    texts: dict[str, str] = {}
    errors: list[DocumentError] = []
    for item in iter_txt_folder(input_dir):
        if isinstance(item, DocumentError):
            errors.append(item)
        else:
            texts[dict(item.meta)["file"]] = item.text
    wanted = list(dict.fromkeys(r[0] for r in rows))
    decided: dict[str, list[str]] = {}
    for name in wanted:
        if name not in texts:
            errors.append(DocumentError(str(input_dir / name), f"in {mentions} but not in {input_dir}"))
            continue
        try:
            article = Article(text=texts[name], id=name.removesuffix(".txt"), meta=(("file", name),))
            doc = analyzer.prepare(article)
        except InputError as exc:
            errors.append(DocumentError(exc.source, exc.problem))
            continue
        given = [(r[1], r[2], r[3]) for r in rows if r[0] == name]
        feat = analyzer.features([doc])[0].restricted(detector.name, detector.requires)
        decided[name] = detector.given_roles(doc, feat, given)
    out.parent.mkdir(parents=True, exist_ok=True)
    pending = {name: iter(roles) for name, roles in decided.items()}
    with out.open("w", encoding="utf-8") as f:
        for name, entity, start, end, _, _ in rows:
            roles = next(pending[name]) if name in pending else FALLBACK_ROW
            f.write(official_row(name, entity, start, end, roles) + "\n")
    return PredictSummary(len(decided), tuple(errors))
