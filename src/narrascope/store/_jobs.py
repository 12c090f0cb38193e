"""Batch jobs in the store (migration 3): a persistent queue, so a restarted server resumes a killed job.

A job is ``queued``, then ``running`` (with the id of the run it writes into), then ``finished`` or
``failed``. Its progress is its run's counts, committed with each batch (see ``batches.run_chunk``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from narrascope.store._store import Store

JOB_STATUSES = ("queued", "running", "finished", "failed")
_COLUMNS = (
    "j.job_id, j.status, j.source, j.input_path, j.n_total, j.run_id, j.created_at, j.started_at, "
    "j.finished_at, j.problem, coalesce(r.n_analyzed, 0), coalesce(r.n_skipped, 0), coalesce(r.n_errors, 0)"
)
_FROM = "FROM jobs j LEFT JOIN runs r ON r.run_id = j.run_id"


@dataclass(frozen=True)
class JobInfo:
    """One job and its progress: ``done`` inputs of ``total`` (analysed, skipped as stored, or failed)."""

    job_id: int
    status: str
    source: str
    input_path: str
    total: int
    run_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    problem: str
    analyzed: int
    skipped: int
    failed: int

    @property
    def done(self) -> int:
        return self.analyzed + self.skipped + self.failed

    def to_dict(self) -> dict[str, Any]:
        def when(t: datetime | None) -> str | None:
            return t.isoformat() + "Z" if t is not None else None

        return {
            "id": self.job_id,
            "status": self.status,
            "source": self.source,
            "total": self.total,
            "done": self.done,
            "analyzed": self.analyzed,
            "skipped": self.skipped,
            "failed": self.failed,
            "run_id": self.run_id,
            "created_at": when(self.created_at),
            "started_at": when(self.started_at),
            "finished_at": when(self.finished_at),
            "problem": self.problem,
        }


def _info(row: tuple[Any, ...]) -> JobInfo:
    return JobInfo(
        int(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        int(row[4]),
        None if row[5] is None else int(row[5]),
        row[6],
        row[7],
        row[8],
        str(row[9]),
        int(row[10]),
        int(row[11]),
        int(row[12]),
    )


def add_job(store: Store, source: str, input_path: str, total: int) -> JobInfo:
    """Queue a job reading ``input_path`` (a file the caller keeps until the job finishes)."""
    rows = store.query(
        "INSERT INTO jobs (created_at, status, source, input_path, n_total) "
        "VALUES (current_timestamp::TIMESTAMP, 'queued', ?, ?, ?) RETURNING job_id",
        [source, input_path, total],
    )
    info = job_info(store, int(rows[0][0]))
    assert info is not None
    return info


def job_info(store: Store, job_id: int) -> JobInfo | None:
    rows = store.query(f"SELECT {_COLUMNS} {_FROM} WHERE j.job_id = ?", [job_id])
    return _info(rows[0]) if rows else None


def list_jobs(store: Store, limit: int = 100) -> list[JobInfo]:
    """The newest jobs first."""
    return [
        _info(r) for r in store.query(f"SELECT {_COLUMNS} {_FROM} ORDER BY j.job_id DESC LIMIT ?", [limit])
    ]


def next_job(store: Store) -> JobInfo | None:
    """The job to run now: one left ``running`` by a killed server first, else the oldest queued one."""
    rows = store.query(
        f"SELECT {_COLUMNS} {_FROM} WHERE j.status IN ('running', 'queued') "
        "ORDER BY j.status = 'running' DESC, j.job_id LIMIT 1"
    )
    return _info(rows[0]) if rows else None


def queue_position(store: Store, job_id: int) -> int:
    """How many unfinished jobs come before this one (0: it runs now or next)."""
    rows = store.query(
        "SELECT count(*) FROM jobs WHERE status IN ('running', 'queued') AND job_id < ?", [job_id]
    )
    return int(rows[0][0])


def start_job(store: Store, job_id: int, run_id: int | None) -> None:
    """The job is running (from now, or since it first started); ``run_id``: its run in the store, once
    started (None keeps the one it has: the run starts once the models are loaded)."""
    store.query(
        "UPDATE jobs SET status = 'running', run_id = coalesce(?, run_id), "
        "started_at = coalesce(started_at, current_timestamp::TIMESTAMP) WHERE job_id = ?",
        [run_id, job_id],
    )


def finish_job(store: Store, job_id: int, status: str = "finished", problem: str = "") -> None:
    if status not in JOB_STATUSES[2:]:
        raise ValueError(f"a job finishes as one of {JOB_STATUSES[2:]}, not {status!r}")
    store.query(
        "UPDATE jobs SET status = ?, problem = ?, finished_at = current_timestamp::TIMESTAMP "
        "WHERE job_id = ?",
        [status, problem, job_id],
    )


def run_failures(store: Store, run_id: int, limit: int = 100) -> list[dict[str, str]]:
    """The first ``limit`` per-document errors recorded by a run, in order."""
    rows = store.query(
        "SELECT source, problem FROM errors WHERE run_id = ? ORDER BY recorded_at, source LIMIT ?",
        [run_id, limit],
    )
    return [{"source": str(r[0]), "problem": str(r[1])} for r in rows]
