"""The command line: every command is a thin wrapper over one library call. See DESIGN.md for the contract."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from narrascope.analyze.base import Detector
from narrascope.pipeline import DEFAULT_DETECTORS, Analyzer
from narrascope.types import Analysis, NarrascopeError

detectors_option = click.option(
    "--detectors",
    default=",".join(DEFAULT_DETECTORS),
    show_default=True,
    help="Comma-separated detector names.",
)


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group()
@click.version_option(package_name="narrascope")
def main() -> None:
    """Find the persuasion techniques, narratives and framing in news articles, offline."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["json", "html", "text"]), default="json", show_default=True
)
@click.option("--out", type=click.Path(path_type=Path), help="Write here instead of standard output.")
@detectors_option
@click.option(
    "--taxonomy",
    type=click.Path(path_type=Path, exists=True),
    help="Your own narratives: a taxonomy YAML (zero-shot) or a model folder trained from one.",
)
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(path_type=Path),
    help="Known claims (EUvsDisinfo posts.csv, or a CSV claim,date,url): check-worthy sentences list the "
    "known claims they restate. Adds the claims detector.",
)
def analyze(
    paths: tuple[Path, ...],
    fmt: str,
    out: Path | None,
    detectors: str,
    taxonomy: Path | None,
    claims_file: Path | None,
) -> None:
    """Analyse articles (.txt, .html, .jsonl, .csv, .parquet or folders) and print the findings (streamed:
    each batch's reports are written as soon as it is analysed)."""
    from narrascope.ingest import iter_articles
    from narrascope.report import ReportStream

    try:
        analyzer = Analyzer(detectors=_detectors(detectors, taxonomy, claims_file))
        analyzer.loaded_detectors  # noqa: B018  (load the models now: a bad name or file fails before any work)
    except (KeyError, NarrascopeError) as exc:
        _fail(str(exc).strip("'\""))
        return
    failed = 0
    color = out is None and sys.stdout.isatty()
    with ReportStream(fmt, out, lambda text: click.echo(text, nl=False), color=color) as stream:
        for outcome in analyzer.run(iter_articles(paths)):
            if outcome.error is not None:
                failed += 1
                click.echo(f"error: {outcome.error}", err=True)
            elif outcome.analysis is not None:
                stream.add(outcome.analysis)
        stream.finish()
    if stream.folder is not None:
        click.echo(f"wrote {stream.written} HTML reports to {stream.folder}/", err=True)
    if failed:
        _fail(f"{failed} of {failed + stream.written} documents failed", code=1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="Write here instead of standard output.")
@detectors_option
def compare(paths: tuple[Path, ...], fmt: str, out: Path | None, detectors: str) -> None:
    """Hold 2 to 4 articles side by side: narratives, techniques per 1,000 words and entity roles (shared
    entities on one row). HTML page, or its JSON twin."""
    from narrascope.ingest import iter_articles
    from narrascope.report import CompareError, compare_html, compare_json

    try:
        analyzer = Analyzer(detectors=_detectors(detectors, None))
        analyzer.loaded_detectors  # noqa: B018  (a bad detector name fails before any work)
    except (KeyError, NarrascopeError) as exc:
        _fail(str(exc).strip("'\""))
        return
    analyses: list[Analysis] = []
    failed = 0
    for outcome in analyzer.run(iter_articles(paths)):
        if outcome.error is not None:
            failed += 1
            click.echo(f"error: {outcome.error}", err=True)
        elif outcome.analysis is not None:
            analyses.append(outcome.analysis)
    if failed:
        _fail(f"{failed} of {failed + len(analyses)} documents failed: nothing compared", code=1)
    try:
        text = compare_json(analyses) if fmt == "json" else compare_html(analyses)
    except CompareError as exc:
        _fail(str(exc))
        return
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n", encoding="utf-8")
        click.echo(f"compared {len(analyses)} articles: {out}", err=True)
    else:
        click.echo(text)


def _detectors(names: str, taxonomy: Path | None, claims: Path | None = None) -> list[str | Detector]:
    """Detector names from ``--detectors``; with ``--taxonomy`` the narratives detector uses that taxonomy,
    with ``--claims`` the claims detector (added when not chosen) matches those known claims."""
    chosen: list[str | Detector] = [d for d in names.split(",") if d]
    if claims is not None:
        from narrascope.analyze.claims import matching_known_claims

        chosen = matching_known_claims(chosen, claims)
    if taxonomy is not None:
        from narrascope.analyze.narratives import NarrativeDetector

        custom = NarrativeDetector.from_taxonomy(taxonomy)
        chosen = [d for d in chosen if str(d).split(".")[0] != "narratives"] + [custom]
    return chosen


@main.command()
@click.argument("task")
@click.argument("input_dir", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True)
@click.option("--mentions", type=click.Path(path_type=Path), help="Entity mentions (semeval2025-st1).")
@click.option(
    "--detector",
    help="Another detector for the task, e.g. techniques-en (the fine-tuned English mode) for "
    "semeval2023-st3 and spans.",
)
def predict(task: str, input_dir: Path, out: Path, mentions: Path | None, detector: str | None) -> None:
    """Write the official submission format of TASK for a folder of *.txt articles (checkthat2024-t1: for
    the sentences of one TSV file)."""
    from narrascope.predict import predict as run_predict

    try:
        summary = run_predict(task, input_dir, out, mentions=mentions, detector=detector)
    except (KeyError, NarrascopeError) as exc:
        _fail(str(exc).strip("'\""))
        return
    for err in summary.errors:
        click.echo(f"error: {err}", err=True)
    click.echo(f"wrote predictions for {summary.written} {summary.unit} to {out}", err=True)
    if summary.errors:
        _fail(f"{len(summary.errors)} of {len(summary.errors) + summary.written} documents failed", code=1)


@main.command()
@click.argument("task")
@click.option("--gold", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--pred", type=click.Path(path_type=Path, exists=True), required=True)
def evaluate(task: str, gold: Path, pred: Path) -> None:
    """Score predictions with the official scorer of TASK; the official figure is printed last."""
    from narrascope.scoring import TASKS
    from narrascope.scoring import evaluate as run_evaluate

    if task not in TASKS:
        _fail(f"unknown task {task!r}; tasks: {', '.join(TASKS)}")
    try:
        result = run_evaluate(task, gold, pred)
    except NarrascopeError as exc:
        _fail(str(exc))
        return
    for line in result.lines:
        click.echo(line)


@main.command()
@click.argument("detector")
@click.option(
    "--data",
    type=click.Path(path_type=Path, exists=True),
    required=True,
    help="The corpora folder (e.g. ../shared/datasets) or a task folder.",
)
@click.option("--out", type=click.Path(path_type=Path), help="Model folder to write (default: the built-in).")
@click.option("--limit", type=int, help="Use only the first N documents per language (a quick check).")
@click.option(
    "--taxonomy",
    type=click.Path(path_type=Path, exists=True),
    help="narratives only: train your own taxonomy (YAML) from labelled documents in --data.",
)
@click.option(
    "--work",
    type=click.Path(path_type=Path),
    help="techniques only: checkpoint folder; a stopped run started again resumes from it.",
)
@click.option("--device", default="cpu", show_default=True, help="techniques only: torch device (cpu, cuda).")
def train(
    detector: str,
    data: Path,
    out: Path | None,
    limit: int | None,
    taxonomy: Path | None,
    work: Path | None,
    device: str,
) -> None:
    """Train DETECTOR from annotated data and write its model folder with manifest and model card."""
    from narrascope.train import train as run_train

    try:
        report = run_train(
            detector,
            data,
            out,
            limit=limit,
            log=lambda s: click.echo(s, err=True),
            taxonomy=taxonomy,
            work=work,
            device=device,
        )
    except (KeyError, NarrascopeError) as exc:
        _fail(str(exc).strip("'\""))
        return
    click.echo(f"wrote {report.out}", err=True)


@main.group()
def corpus() -> None:
    """Corpus analysis: a DuckDB store, resumable runs, the corpus report, export."""


@corpus.command("analyze")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), default="narrascope.duckdb", show_default=True)
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option("--address", help="Ray cluster address (with --engine ray).")
@detectors_option
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=16,
    show_default=True,
    help="Documents per batch; each batch is committed as it completes.",
)
def corpus_analyze(
    inputs: tuple[Path, ...], db: Path, engine: str, address: str | None, detectors: str, batch_size: int
) -> None:
    """Analyse INPUT... into the store; re-running skips documents already stored."""
    from narrascope.corpus import analyze_corpus

    try:
        s = analyze_corpus(
            inputs,
            db,
            detectors=[d for d in detectors.split(",") if d],
            engine=engine,
            address=address,
            batch_size=batch_size,
        )
    except NarrascopeError as exc:
        _fail(str(exc))
        return
    click.echo(
        f"run {s.run_id}: {s.analyzed} analysed, {s.skipped} already stored, {s.errors} failed "
        f"({s.rate:.1f} articles/s) into {s.db}",
        err=True,
    )
    if s.errors:
        _fail(f"{s.errors} documents failed; see the errors table of {s.db}", code=1)


@corpus.command("report")
@click.option("--db", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def corpus_report(db: Path, out: Path) -> None:
    """Write the corpus report: one self-contained HTML file with charts and their data tables."""
    from narrascope.corpus import write_report

    click.echo(f"wrote {write_report(db, out)}", err=True)


@corpus.command("export")
@click.option("--db", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "jsonl"]), required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Folder to write the tables to.")
def corpus_export(db: Path, fmt: str, out: Path) -> None:
    """Export articles (metadata columns kept), findings, errors, runs and claim matches."""
    from narrascope.corpus import export

    summary = export(db, fmt, out)
    for table, path in summary.files.items():
        click.echo(f"{path}: {summary.rows[table]} rows", err=True)


@corpus.command("claims")
@click.option("--db", type=click.Path(path_type=Path, exists=True, dir_okay=False), required=True)
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(path_type=Path, exists=True),
    required=True,
    help="CSV id,claim,date,url or claim,date,url, or the EUvsDisinfo posts.csv export.",
)
@click.option("--threshold", type=float, default=0.7, show_default=True, help="Minimum cosine similarity.")
def corpus_claims(db: Path, claims_file: Path, threshold: float) -> None:
    """Match stored sentences against known claims; the matches are saved for the report."""
    from narrascope.corpus import match_claims_file

    try:
        matches = match_claims_file(db, claims_file, threshold)
    except NarrascopeError as exc:
        _fail(str(exc))
        return
    for m in matches:
        click.echo(f"{m.score:.3f}\t{m.article_id}\t{m.claim_id}\t{m.sentence}")
    click.echo(f"{len(matches)} sentences match a known claim", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A corpus store to browse and to run batch jobs into (created when missing).",
)
@detectors_option
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes; each loads its own models (docs/serving.md gives the memory of one).",
)
@click.option(
    "--max-batch", default=16, show_default=True, type=click.IntRange(1, 256), help="Articles a batch."
)
@click.option(
    "--max-wait-ms",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0, 1000),
    help="How long a batch waits to fill.",
)
@click.option(
    "--max-queue",
    default=64,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Articles that may wait; beyond them the server answers 503 with Retry-After.",
)
@click.option(
    "--max-job-bytes",
    default=1 << 30,
    show_default=True,
    type=click.IntRange(1),
    help="Largest batch-job input in bytes (1 GiB by default; POST /api/jobs, with --db), spooled to disk "
    "beside the store as it arrives, never held in memory; beyond it 413. Other request bodies stay under "
    "5 MB.",
)
@click.option(
    "--claims",
    "claims_file",
    type=click.Path(path_type=Path),
    help="Known claims (EUvsDisinfo posts.csv, or a CSV claim,date,url): in every analysis, check-worthy "
    "sentences list the known claims they restate. Adds the claims detector.",
)
def serve(
    host: str,
    port: int,
    db: Path | None,
    detectors: str,
    workers: int,
    max_batch: int,
    max_wait_ms: float,
    max_queue: int,
    max_job_bytes: int,
    claims_file: Path | None,
) -> None:
    """Serve the web app and HTTP API; set NARRASCOPE_TOKEN to require a bearer token."""
    from narrascope.analyze.base import resolve
    from narrascope.pipeline import one_per_task
    from narrascope.web import BatchOptions
    from narrascope.web import serve as run_serve

    names = [d for d in detectors.split(",") if d]
    batching = BatchOptions(max_batch=max_batch, max_wait_ms=max_wait_ms, max_queue=max_queue)
    try:  # check the names and the claims file now, before the server starts
        one_per_task([resolve(d) for d in names])
        if claims_file is not None:
            from narrascope.knownclaims import read_claims

            read_claims(claims_file)
    except (KeyError, NarrascopeError) as exc:
        _fail(str(exc).strip("'\""))
        return
    try:
        run_serve(
            host=host,
            port=port,
            db=db,
            detectors=names,
            batching=batching,
            workers=workers,
            max_job_bytes=max_job_bytes,
            claims=claims_file,
        )
    except NarrascopeError as exc:
        _fail(str(exc))


if __name__ == "__main__":
    main()
