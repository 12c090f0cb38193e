"""Corpus pages (with ``--db``) and their JSON twins: the corpus report's charts and tables, filtered,
the article list, and each stored article in the analyse view."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from narrascope.corpus import CorpusSummary, corpus_summary
from narrascope.report import report_parts, to_json
from narrascope.types import Analysis
from narrascope.web._corpus_data import Corpus, CorpusFilter
from narrascope.web._corpus_pages import article_list_page, corpus_page
from narrascope.web._pages import result_page
from narrascope.web._views import respond, site_of

api_router = APIRouter(prefix="/api", tags=["corpus"])
page_router = APIRouter(include_in_schema=False)


def _date(value: str, name: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(422, f"{name}: not a date (YYYY-MM-DD): {value[:40]!r}") from None


def corpus_filter(
    outlet: Annotated[str, Query(max_length=500)] = "",
    lang: Annotated[str, Query(max_length=16)] = "",
    label: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=40, description="YYYY-MM-DD, inclusive")] = "",
    until: Annotated[str, Query(max_length=40, description="YYYY-MM-DD, inclusive")] = "",
) -> CorpusFilter:
    return CorpusFilter(
        outlet.strip(), lang.strip(), label.strip(), _date(since, "since"), _date(until, "until")
    )


Filter = Annotated[CorpusFilter, Depends(corpus_filter)]


def corpus_of(request: Request) -> Corpus:
    corpus: Corpus = request.app.state.corpus
    return corpus


def summary(corpus: Corpus, flt: CorpusFilter) -> CorpusSummary:
    """The corpus report's data over the filtered corpus: the page renders it, its twin lists it. The
    filtered view is an in-memory store over the file, so the summary is given the file's name."""
    with corpus.view(flt) as store:
        return corpus_summary(store, name=corpus.db.name)


def stored_analysis(corpus: Corpus, article_id: str) -> Analysis:
    analysis = corpus.analysis(article_id)
    if analysis is None:
        raise HTTPException(404, f"no stored article with id {article_id!r}")
    return analysis


@api_router.get("/corpus", summary="The corpus report's data (stats, prevalence, roles, trends, copies)")
async def corpus_json(request: Request, flt: Filter) -> Any:
    data = await run_in_threadpool(summary, corpus_of(request), flt)
    return Response(_dumps({"filter": flt.to_dict(), **data.to_dict()}), media_type="application/json")


@api_router.get("/articles", summary="Stored articles, filtered, newest first")
async def articles_json(
    request: Request,
    flt: Filter,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Any:
    listing = await run_in_threadpool(corpus_of(request).articles, flt, limit, offset)
    return {**listing.to_dict(), "filter": flt.to_dict()}


@api_router.get("/articles/{article_id}", summary="A stored article's analysis (the analysis JSON)")
async def article_json(request: Request, article_id: str) -> Response:
    analysis = await run_in_threadpool(stored_analysis, corpus_of(request), article_id)
    return Response(to_json(analysis), media_type="application/json")


@page_router.get("/corpus")
async def corpus_html(request: Request, flt: Filter) -> HTMLResponse:
    corpus = corpus_of(request)
    data = await run_in_threadpool(summary, corpus, flt)
    facets = await run_in_threadpool(corpus.facets)
    twin = "/api/corpus" + _query(flt)
    return respond(corpus_page(site_of(request), flt, facets, data, twin=twin))


@page_router.get("/articles")
async def articles_html(
    request: Request,
    flt: Filter,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> HTMLResponse:
    corpus = corpus_of(request)
    listing = await run_in_threadpool(corpus.articles, flt, limit, offset)
    facets = await run_in_threadpool(corpus.facets)
    twin = "/api/articles" + _query(flt)
    return respond(article_list_page(site_of(request), flt, facets, listing, twin=twin))


@page_router.get("/articles/{article_id}")
async def article_html(request: Request, article_id: str) -> HTMLResponse:
    analysis = await run_in_threadpool(stored_analysis, corpus_of(request), article_id)
    parts = await run_in_threadpool(report_parts, analysis)
    return respond(result_page(site_of(request), parts, twin="/api/articles/" + quote(article_id, safe="")))


def _query(flt: CorpusFilter) -> str:
    given = {k: v for k, v in flt.to_dict().items() if v}
    return "?" + urlencode(given) if given else ""


def _dumps(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, default=str)
