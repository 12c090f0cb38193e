"""The JSON API under ``/api``: each endpoint is one library call; errors are ``{"error", "status"}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool

from narrascope import __version__
from narrascope.analyze.base import available
from narrascope.report import to_json
from narrascope.types import SCHEMA_VERSION
from narrascope.web._service import ArticleInput, Desk

router = APIRouter(prefix="/api", tags=["api"])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": 'Empty, binary or undecodable input (`{"error": ..., "status": 400}`)'},
    401: {"description": "Missing or wrong bearer token (when the server has one)"},
    413: {"description": "Request body over the limit"},
    422: {"description": "Body not valid JSON or not of the expected shape"},
    503: {"description": "A detector's model could not be loaded"},
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
    analysis = await run_in_threadpool(desk_of(request).analyze, given)
    return Response(to_json(analysis), media_type="application/json")
