"""HTML of the web app's pages, as f-strings. Every value from a request or an article goes through ``esc``.

Pages load ``/static/app.css`` and ``/static/app.js`` from the app itself; inline code (the report's own
stylesheet and script) is allowed by the SHA-256 hashes that ``report.csp`` puts in the response header.
``esc`` and ``csp`` are the report's: one escaping and one policy for every page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from narrascope.report import ReportParts, csp, esc

__all__ = ["Page", "Site", "esc", "layout"]


@dataclass(frozen=True)
class Page:
    """A rendered page and the Content-Security-Policy that lets it run."""

    html: str
    csp: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """What the navigation shows: the corpus link only when a store is open."""

    corpus: bool = False


def layout(
    site: Site, title: str, main: str, *, twin: str = "", style: str = "", script: str = "", status: int = 200
) -> Page:
    """A full page: the site's navigation, ``main`` (safe HTML already) and the app's own files."""
    nav = ['<a href="/">Analyse</a>', '<a href="/compare">Compare</a>']
    if site.corpus:
        nav += ['<a href="/corpus">Corpus</a>', '<a href="/articles">Articles</a>']
    nav.append('<a href="/docs">API</a>')
    alternate = f'<link rel="alternate" type="application/json" href="{esc(twin)}">' if twin else ""
    html = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{title}</title>",
            '<link rel="stylesheet" href="/static/app.css">',
            alternate,
            f"<style>{style}</style>" if style else "",
            '<script src="/static/app.js" defer></script>',
            "</head>",
            "<body>",
            f'<nav class="site"><strong>Narrascope</strong> {" ".join(nav)}</nav>',
            main,
            f"<script>{script}</script>" if script else "",
            "</body>",
            "</html>",
            "",
        ]
    )
    headers = {"Link": f'<{twin}>; rel="alternate"; type="application/json"'} if twin else {}
    styles, scripts = [style] if style else [], [script] if script else []
    return Page(html, csp(styles, scripts, served=True), status, headers)


def analyse_page(
    site: Site, *, text: str = "", error: str = "", stored: Sequence[dict[str, Any]] = (), status: int = 200
) -> Page:
    """The form: paste text or HTML, or choose a file; with a store, a short list of stored articles."""
    problem = f'<p class="error" role="alert">{esc(error)}</p>' if error else ""
    main = f"""<main class="desk">
<h1>Analyse an article</h1>
{problem}
<form id="analyse" method="post" action="/analyze" enctype="multipart/form-data">
<label for="input-text">Paste the article (plain text, or a saved page's HTML)</label>
<textarea id="input-text" name="text" rows="14" spellcheck="false">{esc(text)}</textarea>
<div class="row">
<label for="input-file">or choose a file (.txt, .html)</label>
<input id="input-file" name="file" type="file" accept=".txt,.text,.html,.htm,text/plain,text/html">
</div>
<fieldset class="row"><legend>Read the input as</legend>
<label><input type="radio" name="kind" value="auto" checked> detect</label>
<label><input type="radio" name="kind" value="text"> plain text</label>
<label><input type="radio" name="kind" value="html"> HTML page</label>
</fieldset>
<details><summary>Metadata (optional)</summary>
<div class="meta">
<label>id <input name="id" maxlength="200"></label>
<label>outlet <input name="outlet" maxlength="200"></label>
<label>URL <input name="url" maxlength="2000"></label>
<label>language <input name="lang" maxlength="8" size="4" placeholder="auto"></label>
</div></details>
<p><button type="submit" id="submit">Analyse</button> <span class="hint">Ctrl+Enter submits.
Nothing leaves this machine.</span></p>
</form>
{_stored_list(stored)}
</main>"""
    return layout(site, "Narrascope: analyse an article", main, twin="/api/detectors", status=status)


def busy_page(site: Site, *, text: str, reason: str, retry_after: int) -> Page:
    """The form again, the pasted text kept, saying that the queue is full and when to try again: a 503
    with ``Retry-After``."""
    unit = "second" if retry_after == 1 else "seconds"
    kept = ": your text is kept below, so submitting again is enough" if text.strip() else ""
    error = f"The server is busy ({reason}). Try again in {retry_after} {unit}{kept}."
    page = analyse_page(site, text=text, error=error, status=503)
    return replace(page, headers={**page.headers, "Retry-After": str(retry_after)})


def _stored_list(stored: Sequence[dict[str, Any]]) -> str:
    if not stored:
        return ""
    rows = "".join(
        f'<li><a href="/articles/{esc(a["id"])}">{esc(a.get("title") or a["id"])}</a> '
        f'<span class="muted">{esc(a.get("outlet", ""))} {esc(a.get("published", ""))}</span></li>'
        for a in stored
    )
    return f'<section class="stored"><h2>Or open a stored article</h2><ul>{rows}</ul>' + (
        '<p><a href="/articles">All stored articles</a></p></section>'
    )


def result_page(site: Site, parts: ReportParts, *, twin: str = "") -> Page:
    """The report's parts (header, summary, legend, highlighted article beside the panel, footer) inside
    the site's frame, with the report's stylesheet and script."""
    body = "\n".join([parts.header, parts.summary, parts.legend, parts.columns(), parts.footer])
    title = esc("Narrascope: " + parts.headline)
    return layout(
        site, title, f'<div class="report">{body}</div>', twin=twin, style=parts.style, script=parts.script
    )


def error_page(site: Site, status: int, message: str) -> Page:
    main = (
        f'<main class="desk"><h1>Error {status}</h1><p class="error" role="alert">{esc(message)}</p></main>'
    )
    return layout(site, f"Narrascope: error {status}", main, status=status)


def login_page(site: Site, *, failed: bool = False) -> Page:
    note = '<p class="error" role="alert">Wrong token.</p>' if failed else ""
    main = f"""<main class="desk"><h1>Token required</h1>{note}
<p>This server requires its access token (<code>NARRASCOPE_TOKEN</code>).</p>
<form method="post" action="/login"><label>Token <input name="token" type="password" autocomplete="off"
required></label> <button type="submit">Enter</button></form></main>"""
    return layout(site, "Narrascope: token required", main, status=401)
