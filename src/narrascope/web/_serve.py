"""``narrascope serve``: uvicorn around the app, with JSON access logs, one or more worker processes.

One worker process holds one Analyzer (its models loaded once, at start) and batches the requests it
gets; ``workers`` processes each hold their own, so memory grows by one worker's resident size per worker
(measured in the README). A corpus store has one writer, so a server with ``db`` runs one worker.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from narrascope.pipeline import DEFAULT_DETECTORS
from narrascope.types import NarrascopeError
from narrascope.web._app import create_app
from narrascope.web._batcher import DEFAULT_BATCHING, BatchOptions
from narrascope.web._spool import MAX_JOB_BYTES

WORKER_PING_S = 60
OPTIONS_ENV = "NARRASCOPE_SERVE_OPTIONS"  # how the options reach worker processes (spawned by uvicorn)


@dataclass(frozen=True)
class ServeOptions:
    """What ``serve`` passes to each worker's app; the token stays in ``NARRASCOPE_TOKEN``."""

    db: str | None = None
    detectors: tuple[str, ...] = DEFAULT_DETECTORS
    batching: BatchOptions = field(default_factory=BatchOptions)
    max_job_bytes: int = MAX_JOB_BYTES
    claims: str | None = None  # a known-claims file the claims detector matches

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> ServeOptions:
        d = json.loads(raw)
        batching = BatchOptions(**d["batching"])
        return cls(d["db"], tuple(d["detectors"]), batching, d["max_job_bytes"], d.get("claims"))


def build_app(options: ServeOptions) -> FastAPI:
    """The app of one worker process, its models loading at once (``/ready`` answers 200 when done)."""
    app = create_app(
        db=Path(options.db) if options.db else None,
        token=os.environ.get("NARRASCOPE_TOKEN") or None,
        detectors=options.detectors,
        batching=options.batching,
        max_job_bytes=options.max_job_bytes,
        claims=Path(options.claims) if options.claims else None,
    )
    app.state.desk.load()
    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn calls in each worker process."""
    return build_app(ServeOptions.from_json(os.environ[OPTIONS_ENV]))


def log_config() -> dict[str, Any]:
    """uvicorn's logging, plus the access log: one JSON object a line on standard error."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["json_lines"] = {"format": "%(message)s"}
    config["handlers"]["narrascope_access"] = {
        "class": "logging.StreamHandler",
        "formatter": "json_lines",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["narrascope.access"] = {
        "handlers": ["narrascope_access"],
        "level": "INFO",
        "propagate": False,
    }
    return config


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    db: Path | None = None,
    detectors: Sequence[str] = DEFAULT_DETECTORS,
    batching: BatchOptions = DEFAULT_BATCHING,
    workers: int = 1,
    max_job_bytes: int = MAX_JOB_BYTES,
    claims: Path | None = None,
) -> None:
    """Run the app with uvicorn until interrupted; the token comes from ``NARRASCOPE_TOKEN``.
    ``max_job_bytes``: the largest batch-job input (``POST /api/jobs``, spooled to disk as it arrives);
    ``claims``: a known-claims file the claims detector matches."""
    import uvicorn

    if workers > 1 and db is not None:
        raise NarrascopeError("a store has one writer: serve --db runs one worker (drop --workers)")
    known = str(claims) if claims else None
    options = ServeOptions(str(db) if db else None, tuple(detectors), batching, max_job_bytes, known)
    common: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": log_config(),
        "access_log": False,  # ours, as JSON lines, replaces uvicorn's
        "server_header": False,
    }
    if workers == 1:
        uvicorn.run(build_app(options), **common)
        return
    os.environ[OPTIONS_ENV] = options.to_json()
    uvicorn.run(
        "narrascope.web._serve:app_from_env",
        factory=True,
        workers=workers,
        # a worker loading its models on busy cores can miss uvicorn's 5 s ping and be killed, again and again
        timeout_worker_healthcheck=WORKER_PING_S,
        **common,
    )
