"""Operations: ``/health`` (liveness), ``/ready`` (models loaded), ``/metrics`` (Prometheus), access logs.

``Observe`` is the outermost ASGI middleware: it sees every answer, the guard's 401 and 413 included,
records it in ``Metrics`` and writes one JSON line per request to the ``narrascope.access`` logger.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from narrascope import __version__
from narrascope.web._metrics import CONTENT_TYPE, Metrics
from narrascope.web._service import Desk

ACCESS_LOG = logging.getLogger("narrascope.access")
router = APIRouter(include_in_schema=False)


def route_of(scope: Scope) -> str:
    """The route template that answered (``/corpus/articles/{article_id}``), so labels stay bounded."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "(unmatched)"


class Observe:
    """Count, time and log every HTTP request."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an app that fails before it answers
        size = 0

        async def watched(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            self.metrics.observe(scope["method"], route, status, seconds)
            if ACCESS_LOG.isEnabledFor(logging.INFO):
                ACCESS_LOG.info(access_line(scope, route, status, size, seconds))


def access_line(scope: Scope, route: str, status: int, size: int, seconds: float) -> str:
    """One structured access-log record as a JSON line (no query string, no headers, no body)."""
    client = scope.get("client")
    record: dict[str, Any] = {
        "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "method": scope["method"],
        "path": scope["path"],
        "route": route,
        "status": status,
        "bytes": size,
        "ms": round(seconds * 1000, 2),
        "client": f"{client[0]}:{client[1]}" if client else "",
    }
    return json.dumps(record, ensure_ascii=False)


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


@router.get("/health")
async def health() -> dict[str, Any]:
    """Liveness: the process answers. Loads nothing."""
    return {"status": "ok", "version": __version__}


@router.get("/ready")
async def ready(request: Request) -> Response:
    """Readiness: 200 once the models are loaded; 503 while they load (this call starts the loading)."""
    desk = desk_of(request)
    loading = desk.load()
    if not loading.done():
        return JSONResponse({"status": "loading"}, status_code=503, headers={"Retry-After": "1"})
    problem = loading.exception()
    if problem is not None:
        return JSONResponse({"status": "failed", "error": str(problem)}, status_code=503)
    return JSONResponse({"status": "ready", "detectors": list(desk.detectors)})


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    """Prometheus text format."""
    page = request.app.state.metrics.render(desk_of(request).batcher)
    return Response(page, media_type=CONTENT_TYPE)
