"""The JSON API under ``/api``: each endpoint is one library call; errors are ``{"error", "status"}``."""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool

from narrascope import __version__
from narrascope.analyze.base import available
from narrascope.report import to_json
from narrascope.types import SCHEMA_VERSION, Analysis
from narrascope.web._service import ArticleInput, Desk

router = APIRouter(prefix="/api", tags=["api"])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": 'Empty, binary or undecodable input (`{"error": ..., "status": 400}`)'},
    401: {"description": "Missing or wrong bearer token (when the server has one)"},
    413: {"description": "Request body over the limit"},
    422: {"description": "Body not valid JSON or not of the expected shape"},
    503: {"description": "The queue is full (with `Retry-After`), or a model could not be loaded"},
}


class AnalyzeRequest(BaseModel):
    """Exactly one of ``text`` or ``html`` (a saved page), with optional metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="The article as plain text.")
    html: str | None = Field(None, description="The article as a saved HTML page; its main text is analysed.")
    id: str = Field("", max_length=200, description="Your id; default: the content hash of the text.")
    lang: str = Field("", max_length=16, description="Language code; default: detected.")
    outlet: str = Field("", max_length=500)
    url: str = Field("", max_length=4000)

    @model_validator(mode="after")
    def _one_input(self) -> AnalyzeRequest:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


def desk_of(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


@router.get("/health", summary="Liveness: the server answers (no token needed; loads no model)")
async def health(request: Request) -> dict[str, Any]:
    return {
        "status": "ok",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "store": request.app.state.corpus is not None,
    }


@router.get("/detectors", summary="The detectors this server runs, with model versions", responses=ERRORS)
async def detectors(request: Request) -> dict[str, Any]:
    running = await run_in_threadpool(desk_of(request).describe_detectors)
    return {"detectors": running, "available": available()}


@router.post(
    "/analyze",
    summary="Analyse one article: the same JSON as `narrascope analyze --format json`",
    responses={200: {"description": "The analysis (versioned schema)"}, **ERRORS},
)
async def analyze(body: AnalyzeRequest, request: Request) -> Response:
    given = ArticleInput(**body.model_dump())
    future = await run_in_threadpool(desk_of(request).submit, given)
    analysis = await answer_unless_gone(future, request)
    if analysis is None:  # nobody to answer: the place in the queue is free again
        return Response(status_code=499)
    return Response(to_json(analysis), media_type="application/json")


async def answer_unless_gone(future: Future[Analysis], request: Request) -> Analysis | None:
    """The analysis, or None when the client disconnects first (the queued article is then cancelled)."""
    answer = asyncio.wrap_future(future)
    gone = asyncio.ensure_future(_disconnected(request))
    try:
        await asyncio.wait((answer, gone), return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not answer.done():
            future.cancel()  # a running batch finishes; a waiting article leaves the queue
            answer.cancel()
        gone.cancel()
    return answer.result() if not answer.cancelled() else None


async def _disconnected(request: Request) -> None:
    """Returns when the client goes away (the body has been read, so the channel only reports that)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
