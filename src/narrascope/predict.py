"""``predict``: a folder of ``*.txt`` articles in, exactly the official submission format of a task out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from narrascope.analyze.base import available
from narrascope.analyze.techniques import span_rows, st3_rows
from narrascope.ingest import iter_txt_folder
from narrascope.pipeline import Analyzer
from narrascope.types import Analysis, DocumentError, InputError, NarrascopeError

Formatter = Callable[[Analysis], list[str]]


@dataclass(frozen=True)
class PredictTask:
    name: str
    detector: str
    format_rows: Formatter


def _st1(a: Analysis) -> list[str]:
    r = a.result("genre")
    label = r.findings[0].label if r and r.findings else "reporting"
    return [f"{a.document.article.id}\t{label}"]


def _st2(a: Analysis) -> list[str]:
    r = a.result("frames")
    labels = ",".join(f.label for f in r.findings) if r else ""
    return [f"{a.document.article.id}\t{labels}"]


def _file_of(a: Analysis) -> str:
    article = a.document.article
    return dict(article.meta).get("file", article.id + ".txt")


def _st2_2025(a: Analysis) -> list[str]:
    r = a.result("narratives")
    findings = r.findings if r else ()
    coarse = [f.label for f in findings if f.attr("level") == "narrative"] or ["Other"]
    fine = [f.label for f in findings if f.attr("level") == "subnarrative"] or ["Other"]
    return [f"{_file_of(a)}\t{';'.join(coarse)}\t{';'.join(fine)}"]


def _st3_2025(a: Analysis) -> list[str]:
    r = a.result("narratives")
    dominant = [f for f in (r.findings if r else ()) if f.attr("dominant") == "true"]
    text = " ".join(dominant[0].attr("explanation").split()) if dominant else ""
    return [f"{_file_of(a)}\t{text}"]


def _st1_2025(a: Analysis) -> list[str]:
    """Without a mentions file: one row per mention the detector found (end inclusive)."""
    r = a.result("framing")
    rows = []
    for f in r.findings if r else ():
        if f.attr("level") == "mention" and f.start is not None and f.end is not None:
            fine = "\t".join(f.attr("fine_roles").split(","))
            text = " ".join(a.document.text[f.start : f.end].split())
            rows.append(f"{_file_of(a)}\t{text}\t{f.start}\t{f.end - 1}\t{f.attr('main_role')}\t{fine}")
    return rows


TASKS: dict[str, PredictTask] = {
    "semeval2023-st1": PredictTask("semeval2023-st1", "genre", _st1),
    "semeval2023-st2": PredictTask("semeval2023-st2", "frames", _st2),
    "semeval2023-st3": PredictTask("semeval2023-st3", "techniques", st3_rows),
    "spans": PredictTask("spans", "techniques", span_rows),
    "semeval2025-st1": PredictTask("semeval2025-st1", "framing", _st1_2025),
    "semeval2025-st2": PredictTask("semeval2025-st2", "narratives", _st2_2025),
    "semeval2025-st3": PredictTask("semeval2025-st3", "narratives", _st3_2025),
}


class MissingDetectorError(NarrascopeError):
    """The task needs a detector this installation does not have."""


@dataclass(frozen=True)
class PredictSummary:
    written: int
    errors: tuple[DocumentError, ...]
    unit: str = "articles"  # what ``written`` counts


SENTENCE_TASKS = ("checkthat2024-t1",)  # a TSV of sentences in, one label per sentence out


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
        return predict_checkthat(input_dir, out, detector=detector)
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
    """CheckThat! 2024 Task 1: read the official TSV (``Sentence_id``, ``Text``; other columns ignored) and
    write the official submission file: the header ``id<TAB>class_label<TAB>run_id``, then one row per
    sentence, ``Yes`` when its check-worthiness reaches the model's threshold."""
    from narrascope.analyze.base import get_detector, resolve
    from narrascope.analyze.claims import ClaimsDetector
    from narrascope.datasets.checkthat import read_tsv
    from narrascope.encode import get_encoder
    from narrascope.scoring.checkthat import PRED_HEADER

    if input_tsv.is_dir():
        raise InputError(
            str(input_tsv), "checkthat2024-t1 reads one TSV file (Sentence_id, Text), not a folder"
        )
    model = get_detector(detector or "claims")
    if not isinstance(model, ClaimsDetector):
        raise MissingDetectorError(
            f"detector {detector!r} does not serve 'claims', which checkthat2024-t1 needs"
        )
    rows = read_tsv(input_tsv)
    encoder = get_encoder(model.head.space)
    run_id = resolve(detector or "claims")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        f.write(PRED_HEADER + "\n")
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            texts = [r.text for r in part]
            scores = model.score_texts(texts, encoder.encode(texts))
            for r, s in zip(part, scores, strict=True):
                f.write(f"{r.id}\t{'Yes' if s >= model.threshold else 'No'}\t{run_id}\n")
    return PredictSummary(len(rows), (), unit="sentences")


def _predict_mentions(input_dir: Path, mentions: Path, out: Path, analyzer: Analyzer) -> PredictSummary:
    """``semeval2025-st1`` in the official setting: roles for the given mentions, in the file's order; a
    mention whose article is missing or failed still gets a row (the fallback roles), and an error."""
    from narrascope.analyze.base import GivenRoles
    from narrascope.analyze.framing import FALLBACK_ROW, official_row
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
