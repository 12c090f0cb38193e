"""The HTML pages. Each has a JSON twin under ``/api`` (linked as ``rel=alternate``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from narrascope.report import report_parts
from narrascope.types import InputError
from narrascope.web._api import answer_unless_gone
from narrascope.web._batcher import RETRY_AFTER_S, Busy
from narrascope.web._docs import docs_page
from narrascope.web._guard import TOKEN_COOKIE, token_matches
from narrascope.web._pages import Page, Site, analyse_page, busy_page, login_page, result_page
from narrascope.web._service import Desk, input_from_paste, input_from_upload

router = APIRouter(include_in_schema=False)
Kind = Literal["auto", "text", "html"]


def respond(page: Page) -> HTMLResponse:
    headers = {"Content-Security-Policy": page.csp, **page.headers}
    return HTMLResponse(page.html, status_code=page.status, headers=headers)


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


@router.get("/")
async def home(request: Request) -> HTMLResponse:
    corpus = request.app.state.corpus
    stored = await run_in_threadpool(corpus.recent, 10) if corpus is not None else []
    return respond(analyse_page(site_of(request), stored=stored))


@router.post("/analyze")
async def analyze_form(
    request: Request,
    text: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
    kind: Annotated[Kind, Form()] = "auto",
    id: Annotated[str, Form(max_length=200)] = "",
    outlet: Annotated[str, Form(max_length=500)] = "",
    url: Annotated[str, Form(max_length=4000)] = "",
    lang: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """The form's target: a file, when one was chosen, wins over the pasted text. The article waits in
    the same bounded queue as ``POST /api/analyze``: a full queue gets the form back with a 503, and a
    client that goes away while its article waits frees its place."""
    desk: Desk = request.app.state.desk
    meta = {"id": id.strip(), "outlet": outlet.strip(), "url": url.strip(), "lang": lang.strip()}
    data = await file.read() if file is not None and file.filename else b""
    try:
        if data:
            given = input_from_upload(data, file.filename if file and file.filename else "", kind, **meta)
        else:
            given = input_from_paste(text, kind, **meta)
        future = await run_in_threadpool(desk.submit, given)
        analysis = await answer_unless_gone(future, request)
    except InputError as exc:
        return respond(analyse_page(site_of(request), text=text, error=str(exc), status=400))
    except Busy as exc:
        return respond(busy_page(site_of(request), text=text, reason=str(exc), retry_after=RETRY_AFTER_S))
    if analysis is None:  # nobody to answer: the place in the queue is free again
        return Response(status_code=499)
    return respond(result_page(site_of(request), await run_in_threadpool(report_parts, analysis)))


@router.get("/favicon.ico")
async def favicon() -> Response:
    return Response(status_code=204)  # no icon; answering spares the browser's console a 404


@router.get("/docs")
async def docs(request: Request) -> HTMLResponse:
    return respond(docs_page(site_of(request), request.app.openapi()))


@router.get("/login")
async def login_form(request: Request) -> HTMLResponse:
    return respond(login_page(site_of(request)))


@router.post("/login")
async def login(request: Request, token: Annotated[str, Form(max_length=1000)]) -> Response:
    expected: str | None = request.app.state.token
    if not expected or not token_matches(token, expected):
        return respond(login_page(site_of(request), failed=True))
    answer = RedirectResponse("/", status_code=303)
    answer.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict", path="/")
    return answer
