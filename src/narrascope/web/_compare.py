"""The compare page and its JSON twin: 2 to 4 articles, pasted or (with a store) stored, side by side.

``GET /compare`` is the form (and, with ``?id=a&id=b``, the comparison of stored articles); ``POST /compare``
compares pasted ones. ``POST /api/compare`` and ``GET /api/compare?id=..`` answer the same comparison as JSON.
Both come from the report: the page composes ``report.comparison_parts``, the twin is
``report.compare_json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from narrascope.report import compare_json, comparison_parts
from narrascope.report._compare import MAX_ARTICLES, MIN_ARTICLES
from narrascope.types import Analysis, InputError
from narrascope.web._api import ERRORS, AnalyzeRequest, desk_of
from narrascope.web._pages import Page, Site, esc, layout
from narrascope.web._service import ArticleInput, input_from_paste
from narrascope.web._views import respond, site_of

api_router = APIRouter(prefix="/api", tags=["api"])
page_router = APIRouter(include_in_schema=False)
Ids = Annotated[list[str], Query(alias="id", max_length=200)]
LETTERS = "ABCD"


class CompareRequest(BaseModel):
    """Two to four articles, each as ``POST /api/analyze`` takes one."""

    model_config = ConfigDict(extra="forbid")

    articles: list[AnalyzeRequest] = Field(min_length=MIN_ARTICLES, max_length=MAX_ARTICLES)


def _stored(request: Request, ids: Sequence[str]) -> list[Analysis]:
    corpus = request.app.state.corpus
    if corpus is None:
        raise HTTPException(404, "no store is open: start the server with --db to compare stored articles")
    if not MIN_ARTICLES <= len(ids) <= MAX_ARTICLES:
        raise HTTPException(400, f"compare takes {MIN_ARTICLES} to {MAX_ARTICLES} articles, not {len(ids)}")
    found = []
    for article_id in ids:
        analysis = corpus.analysis(article_id)
        if analysis is None:
            raise HTTPException(404, f"no stored article with id {article_id!r}")
        found.append(analysis)
    return found


@api_router.post(
    "/compare",
    summary="Compare 2 to 4 articles: the JSON twin of `narrascope compare --format json`",
    responses={200: {"description": "The comparison"}, **ERRORS},
)
async def compare_api(body: CompareRequest, request: Request) -> Response:
    given = [ArticleInput(**a.model_dump()) for a in body.articles]
    analyses = await run_in_threadpool(desk_of(request).analyze_all, given)
    return Response(await run_in_threadpool(compare_json, analyses), media_type="application/json")


@api_router.get("/compare", summary="Compare 2 to 4 stored articles (`?id=a&id=b`)", responses=ERRORS)
async def compare_stored_api(request: Request, ids: Ids) -> Response:
    analyses = await run_in_threadpool(_stored, request, ids)
    return Response(await run_in_threadpool(compare_json, analyses), media_type="application/json")


@page_router.get("/compare")
async def compare_page(request: Request, ids: Ids = []) -> HTMLResponse:  # noqa: B006  (FastAPI's default)
    if ids:
        analyses = await run_in_threadpool(_stored, request, ids)
        twin = "/api/compare?" + "&".join(f"id={_quote(i)}" for i in ids)
        return respond(await run_in_threadpool(comparison_page, site_of(request), analyses, twin))
    corpus = request.app.state.corpus
    stored = await run_in_threadpool(corpus.recent, 20) if corpus is not None else []
    return respond(compare_form(site_of(request), stored=stored))


@page_router.post("/compare")
async def compare_form_post(
    request: Request,
    text1: Annotated[str, Form()] = "",
    text2: Annotated[str, Form()] = "",
    text3: Annotated[str, Form()] = "",
    text4: Annotated[str, Form()] = "",
) -> HTMLResponse:
    texts = [t for t in (text1, text2, text3, text4) if t.strip()]
    site = site_of(request)
    if len(texts) < MIN_ARTICLES:
        error = f"paste at least {MIN_ARTICLES} articles (found {len(texts)})"
        return respond(compare_form(site, texts=[text1, text2, text3, text4], error=error, status=400))
    given = [input_from_paste(t, "auto") for t in texts]
    try:
        analyses = await run_in_threadpool(desk_of(request).analyze_all, given)
    except InputError as exc:
        return respond(compare_form(site, texts=[text1, text2, text3, text4], error=str(exc), status=400))
    return respond(await run_in_threadpool(comparison_page, site, analyses, ""))


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def comparison_page(site: Site, analyses: Sequence[Analysis], twin: str) -> Page:
    """The parts of ``report.compare_html``'s page (header, tables, footer) inside the site's frame."""
    parts = comparison_parts(analyses)
    body = "\n".join([parts.header, parts.main, parts.footer])
    return layout(site, esc(parts.title), f'<div class="report">{body}</div>', twin=twin, style=parts.style)


def compare_form(
    site: Site,
    *,
    texts: Sequence[str] = (),
    stored: Sequence[dict[str, Any]] = (),
    error: str = "",
    status: int = 200,
) -> Page:
    """Four boxes (two needed) for pasted articles; with a store, a list of stored articles to tick."""
    problem = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
    boxes = []
    for i in range(MAX_ARTICLES):
        value = texts[i] if i < len(texts) else ""
        need = " (optional)" if i >= MIN_ARTICLES else ""
        boxes.append(
            f'<div class="box"><label for="text{i + 1}">Article {LETTERS[i]}{need}</label>'
            f'<textarea id="text{i + 1}" name="text{i + 1}" rows="9" spellcheck="false">'
            f"{esc(value)}</textarea></div>"
        )
    main = f"""<main class="desk wide">
<h1>Compare articles</h1>
<p class="hint">Two to four articles side by side: narratives, techniques per 1,000 words and entity roles,
an entity named in several articles on one row. Paste text or a saved page's HTML.</p>
{problem}
<form id="compare-form" method="post" action="/compare">
<div class="boxes">{"".join(boxes)}</div>
<p><button type="submit" id="compare-submit">Compare</button></p>
</form>
{_stored_choice(stored)}
</main>"""
    return layout(site, "Narrascope: compare articles", main, twin="/api/compare", status=status)


def _stored_choice(stored: Sequence[dict[str, Any]]) -> str:
    if not stored:
        return ""
    rows = "".join(
        f'<li><label><input type="checkbox" name="id" value="{esc(a["id"])}"> '
        f"{esc(a.get('title') or a['id'])}</label> "
        f'<span class="muted">{esc(a.get("outlet", ""))} {esc(a.get("published", ""))}</span></li>'
        for a in stored
    )
    return (
        '<section class="stored"><h2>Or compare stored articles</h2>'
        f'<form id="compare-stored" method="get" action="/compare"><ul>{rows}</ul>'
        '<p><button type="submit">Compare the ticked articles</button></p></form></section>'
    )
