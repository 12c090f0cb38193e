"""The app factory and ``serve``: options are read once here, at the edge, and never change after."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from narrascope import __version__
from narrascope.pipeline import DEFAULT_DETECTORS
from narrascope.types import InputError, Limits, NarrascopeError
from narrascope.web import _api, _compare, _ops, _views
from narrascope.web._batcher import DEFAULT_BATCHING, RETRY_AFTER_S, BatchOptions, Busy
from narrascope.web._guard import Guard
from narrascope.web._metrics import Metrics
from narrascope.web._pages import Site, error_page, login_page
from narrascope.web._service import Desk
from narrascope.web._spool import MAX_JOB_BYTES

STATIC = Path(__file__).resolve().parent / "static"
# Request bodies up to 5 MB; texts up to 500,000 characters (about 100 long articles), analysed in seconds.
WEB_LIMITS = Limits(max_bytes=5_000_000, max_chars=500_000)
DESCRIPTION = (
    "Find persuasion techniques, narratives and framing in news articles, offline. "
    "Every HTML page has a JSON twin under /api."
)


def create_app(
    db: Path | None = None,
    token: str | None = None,
    limits: Limits = WEB_LIMITS,
    detectors: Sequence[str] = DEFAULT_DETECTORS,
    batching: BatchOptions = DEFAULT_BATCHING,
    max_job_bytes: int = MAX_JOB_BYTES,
    claims: Path | None = None,
) -> FastAPI:
    """The web app. ``token``, when given, is required (bearer header, or the ``/login`` cookie for pages)
    everywhere but the probes (``/health``, ``/ready``, ``/api/health``), ``/login`` and ``/static/``.
    ``db``: a corpus store to browse and run batch jobs into; ``max_job_bytes``: the largest job input
    (spooled to disk as it arrives; every other request body stays under ``limits.max_bytes``).
    ``batching``: how concurrent analyses are gathered into batches; ``claims``: a known-claims file that the
    claims detector matches check-worthy sentences against (``narrascope.knownclaims`` layouts)."""
    app = FastAPI(
        title="Narrascope",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # the default pages load scripts from a CDN; /docs is served by _views instead
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    site = Site(corpus=db is not None)
    app.state.desk = Desk(detectors, limits, batching, claims)
    app.state.metrics = Metrics()
    app.state.site = site
    app.state.token = token or None
    app.state.corpus = app.state.jobs = None
    app.include_router(_api.router)
    app.include_router(_ops.router)
    app.include_router(_views.router)
    app.include_router(_compare.api_router)
    app.include_router(_compare.page_router)
    streamed: tuple[str, ...] = ()
    if db is not None:
        streamed = _include_corpus(app, db, batching.max_batch, max_job_bytes)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_errors(app, site)
    login = _views.respond(login_page(site))
    app.add_middleware(Guard, max_body=limits.max_bytes, token=token, login=login, streamed=streamed)
    app.add_middleware(_ops.Observe, metrics=app.state.metrics)  # outermost: sees the guard's answers too
    return app


def _include_corpus(app: FastAPI, db: Path, chunk_size: int, max_job_bytes: int) -> tuple[str, ...]:
    """The corpus pages and the batch jobs: the job runner writes into the store the pages read. Returns
    the paths whose body their route reads itself."""
    from narrascope.web import _corpus, _jobs_api
    from narrascope.web._corpus_data import Corpus
    from narrascope.web._jobs import JobRunner

    lock = threading.RLock()
    app.state.corpus = Corpus(db, lock)
    app.state.jobs = JobRunner(db, app.state.desk, lock, chunk_size, max_job_bytes)
    app.state.jobs.resume()  # opening the store applies its migrations; a killed job goes on
    app.include_router(_corpus.api_router)
    app.include_router(_corpus.page_router)
    app.include_router(_jobs_api.router)
    return _jobs_api.STREAMED


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def _install_errors(app: FastAPI, site: Site) -> None:
    def answer(
        request: Request, status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None
    ) -> Response:
        if _wants_json(request) or (request.method == "POST" and request.url.path != "/analyze"):
            body: dict[str, Any] = {"error": message, "status": status}
            if detail is not None:
                body["detail"] = detail
            return JSONResponse(body, status_code=status, headers=headers)
        page = _views.respond(error_page(site, status, message))
        page.headers.update(headers or {})
        return page

    async def busy(request: Request, exc: Exception) -> Response:
        message = f"the server is busy ({exc}): try again in {RETRY_AFTER_S} s"
        return answer(request, 503, message, headers={"Retry-After": str(RETRY_AFTER_S)})

    async def input_error(request: Request, exc: Exception) -> Response:
        return answer(request, 400, str(exc))

    async def model_error(request: Request, exc: Exception) -> Response:
        return answer(request, 503, f"the models could not be loaded: {exc}")

    async def invalid(request: Request, exc: Exception) -> Response:
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", "")} for e in errors]
        if any(e.get("type") == "json_invalid" for e in errors):  # undecodable: binary or broken JSON
            reason = str(errors[0].get("ctx", {}).get("error", "JSON decode error"))
            return answer(request, 400, f"request body is not valid JSON ({reason})", detail)
        return answer(request, 422, "invalid request: " + "; ".join(d["msg"] for d in detail), detail)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        message = str(exc.detail) if isinstance(exc, HTTPException) else "error"
        if status == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            message = f"request body is not UTF-8 text ({exc.__cause__.reason}): binary data?"
        return answer(request, status, message)

    app.add_exception_handler(Busy, busy)
    app.add_exception_handler(InputError, input_error)
    app.add_exception_handler(NarrascopeError, model_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
