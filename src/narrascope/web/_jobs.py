"""Batch jobs over HTTP: a corpus analysis into the server's store, in the background, one job at a time.

A submitted file (JSONL, CSV, a text or HTML page) is spooled beside the store as it arrives (``_spool``, up
to ``max_input_bytes``, never whole in memory) and queued in its ``jobs`` table; one runner thread takes the
jobs in order and runs each like ``narrascope corpus analyze`` (``batches.run_chunk``: articles stored already
are skipped, each chunk is committed with the run's counts). Its analyses go through the batcher's worker,
between request batches, so the Analyzer stays owned by one thread. A killed server resumes its running job at
start: the inputs its run has counted are skipped without being read again, and the skip check guards the
rest.

DuckDB lets one process attach a file once, so the runner and the corpus pages share ``lock``: the runner
opens the store only to check and to write a chunk, never while the chunk is analysed.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

import duckdb

from narrascope.batches import chunks, estimate_total, iter_inputs, run_chunk
from narrascope.ingest import decode_bytes
from narrascope.pipeline import Analyzer, Outcome
from narrascope.store import (
    JobInfo,
    Store,
    add_job,
    finish_job,
    job_info,
    list_jobs,
    next_job,
    queue_position,
    run_failures,
    start_job,
    versions_key,
)
from narrascope.types import Article, InputError
from narrascope.web._service import Desk
from narrascope.web._spool import MAX_JOB_BYTES

JOB_SUFFIXES = (".jsonl", ".csv", ".txt", ".html", ".htm")
ENGINE = "web-job"
SNIFF_BYTES = 1 << 16  # how much of an input is read at submission to refuse a binary one
RETRY_S = 5.0  # seconds before the runner looks again when the store cannot be opened


def spool_dir(db: Path) -> Path:
    """Where submitted inputs wait until their job finishes: ``<db>.jobs/`` beside the store."""
    return db.with_name(db.name + ".jobs")


def job_name(filename: str) -> str:
    """The name an input is spooled under (its base name); raises ``InputError`` for a type a job cannot
    read."""
    name = Path(filename).name
    if not name.lower().endswith(JOB_SUFFIXES):
        raise InputError(name, f"a job reads {', '.join(JOB_SUFFIXES)} files")
    return name


class JobRunner:
    """The jobs of one store. Parameters are stored as given; the runner thread starts on first need.
    ``max_input_bytes``: the largest input a job takes (the route spooling it enforces it)."""

    def __init__(
        self,
        db: Path,
        desk: Desk,
        lock: threading.RLock,
        chunk_size: int = 16,
        max_input_bytes: int = MAX_JOB_BYTES,
    ) -> None:
        self.db = Path(db)
        self.desk = desk
        self.lock = lock
        self.chunk_size = chunk_size
        self.max_input_bytes = max_input_bytes
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    @contextmanager
    def store(self) -> Iterator[Store]:
        with self.lock, Store(self.db) as store:
            yield store

    def new_spool(self) -> Path:
        """A new, empty folder for one job's input, under ``<db>.jobs/``."""
        folder = spool_dir(self.db) / uuid.uuid4().hex
        folder.mkdir(parents=True)
        return folder

    def submit(self, path: Path) -> JobInfo:
        """Queue a spooled input (alone in its ``new_spool`` folder); raises ``InputError`` for a binary input
        or one without documents, and then removes it."""
        try:
            _refuse_binary(path)
            total = estimate_total([path])
            if total == 0:
                raise InputError(path.name, "no documents in the job's input")
            with self.store() as store:
                info = add_job(store, path.name, str(path), total)
        except BaseException:
            _remove_spooled(path)
            raise
        self.wake()
        return info

    def get(self, job_id: int) -> tuple[JobInfo, int, list[dict[str, str]]] | None:
        """A job, how many unfinished jobs come before it, and its first failures."""
        with self.store() as store:
            info = job_info(store, job_id)
            if info is None:
                return None
            failures = run_failures(store, info.run_id) if info.run_id is not None else []
            return info, queue_position(store, job_id), failures

    def recent(self, limit: int = 100) -> list[JobInfo]:
        with self.store() as store:
            return list_jobs(store, limit)

    def wake(self) -> None:
        """Start the runner thread if need be, and have it look for work."""
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="narrascope-jobs", daemon=True)
                self._thread.start()
        self._wake.set()

    def resume(self) -> None:
        """At start: run what a killed server left running or queued."""
        with self.store() as store:
            pending = next_job(store)
        if pending is not None:
            self.wake()

    def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                with self.store() as store:
                    job = next_job(store)
            except duckdb.Error:  # the file is held by another process (a `corpus analyze`): try later
                self._wake.wait(RETRY_S)
                continue
            if job is None:
                self._wake.wait()
                continue
            self.run_job(job)

    def run_job(self, job: JobInfo) -> None:
        """Run (or resume) one job to its end; a failure of the whole job is recorded, never raised."""
        run_id = job.run_id
        try:
            with self.store() as store:  # running from now, while the models load behind other requests
                start_job(store, job.job_id, run_id)
            versions = self.desk.model_versions()
            vkey = versions_key(versions)
            with self.store() as store:
                if run_id is None:
                    run_id = store.start_run(versions, ENGINE, [job.source])
                start_job(store, job.job_id, run_id)
                info = store.run_info(run_id)
            consumed = info.n_analyzed + info.n_skipped + info.n_errors
            rest = islice(iter_inputs([job.input_path]), consumed, None)
            for chunk in chunks(rest, self.chunk_size):
                run_chunk(self.store, self._analyze, run_id, vkey, chunk)
        except Exception as exc:  # the job failed as a whole (a model did not load, the disk is full)
            with self.store() as store:
                if run_id is not None:
                    store.finish_run(run_id, status="failed")
                finish_job(store, job.job_id, "failed", f"{type(exc).__name__}: {exc}")
            return
        with self.store() as store:
            store.finish_run(run_id)
            finish_job(store, job.job_id)
        _remove_spooled(Path(job.input_path))

    def _analyze(self, articles: list[Article]) -> list[Outcome]:
        def run(analyzer: Analyzer) -> list[Outcome]:
            return list(analyzer.run(articles))

        return self.desk.batcher.call(run).result()


def _refuse_binary(path: Path) -> None:
    """Raise ``InputError`` now for a binary input, judged by its first ``SNIFF_BYTES`` (the rest streams
    when the job runs, and a line that cannot be read is that line's failure)."""
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
        longer = bool(f.read(1))
    end = head.rfind(b"\n") + 1
    if longer and end > 1:  # no character straddles the cut: after a newline, at an even length (UTF-16)
        head = head[: end - end % 2]
    decode_bytes(head, path.name, html=path.name.lower().endswith((".html", ".htm")))


def _remove_spooled(path: Path) -> None:
    try:
        path.unlink()
        path.parent.rmdir()
    except OSError:  # already gone, or not ours to remove: the job is finished either way
        pass
