"""HTML of the corpus pages: a filter form over the report's charts and tables; the article list."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from narrascope.corpus import REPORT_CSS, CorpusSummary, report_body
from narrascope.store import ArticlePage, CorpusFilter, Facets
from narrascope.web._pages import Page, Site, esc, layout


def _select(name: str, label: str, current: str, options: tuple[str, ...]) -> str:
    opts = ['<option value="">any</option>'] + [
        f'<option value="{esc(o)}"{" selected" if o == current else ""}>{esc(o)}</option>' for o in options
    ]
    return f'<label>{esc(label)} <select name="{esc(name)}">{"".join(opts)}</select></label>'


def filter_form(action: str, flt: CorpusFilter, facets: Facets) -> str:
    f = flt.to_dict()
    return (
        f'<form class="filters" method="get" action="{esc(action)}">'
        + _select("outlet", "Outlet", flt.outlet, facets.outlet)
        + _select("lang", "Language", flt.lang, facets.lang)
        + _select("label", "Label", flt.label, facets.label)
        + f'<label>From <input type="date" name="since" value="{esc(f["since"])}"></label>'
        + f'<label>To <input type="date" name="until" value="{esc(f["until"])}"></label>'
        + f'<button type="submit">Filter</button> <a href="{esc(action)}">clear</a></form>'
    )


def corpus_page(site: Site, flt: CorpusFilter, facets: Facets, summary: CorpusSummary, *, twin: str) -> Page:
    """The corpus report's body and stylesheet (escaped by its renderer) below the filter form: the same
    ``summary`` as the JSON twin lists."""
    query = urlencode({k: v for k, v in flt.to_dict().items() if v})
    main = (
        '<main class="corpus"><h1>Corpus</h1>'
        + filter_form("/corpus", flt, facets)
        + f'<p><a href="/articles{"?" + esc(query) if query else ""}">List these articles</a> · '
        f'<a href="{esc(twin)}">JSON</a></p>'
        + f'<div class="corpus-report">{report_body(summary)}</div></main>'
    )
    return layout(site, "Narrascope: corpus", main, twin=twin, style=REPORT_CSS)


def article_list_page(
    site: Site, flt: CorpusFilter, facets: Facets, listing: ArticlePage, *, twin: str
) -> Page:
    rows = "".join(
        f'<tr><td><a href="/articles/{esc(quote(a.id, safe=""))}">'
        f"{esc(a.title or a.id)}</a></td>"
        f"<td>{esc(a.outlet)}</td><td>{esc(a.published)}</td><td>{esc(a.lang)}</td>"
        f'<td class="n">{esc("" if a.n_words is None else a.n_words)}</td></tr>'
        for a in listing.articles
    )
    total, offset, limit = listing.total, listing.offset, listing.limit
    params = {k: v for k, v in flt.to_dict().items() if v}
    pager = []
    if offset > 0:
        pager.append(
            f'<a href="/articles?{esc(urlencode({**params, "offset": max(0, offset - limit)}))}">previous</a>'
        )
    if offset + limit < total:
        pager.append(f'<a href="/articles?{esc(urlencode({**params, "offset": offset + limit}))}">next</a>')
    shown = f"{offset + 1}–{min(total, offset + limit)} of {total:,}" if total else "none"
    main = (
        '<main class="corpus"><h1>Stored articles</h1>'
        + filter_form("/articles", flt, facets)
        + f"<p>{esc(shown)} · {' · '.join(pager)}</p>"
        + '<table class="data"><thead><tr><th>article</th><th>outlet</th><th>published</th><th>lang</th>'
        + f"<th>words</th></tr></thead><tbody>{rows}</tbody></table></main>"
    )
    return layout(site, "Narrascope: stored articles", main, twin=twin)
