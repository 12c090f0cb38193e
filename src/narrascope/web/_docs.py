"""``/docs``: the OpenAPI document as a plain self-hosted page (FastAPI's default loads from a CDN)."""

from __future__ import annotations

import json
from typing import Any

from narrascope.web._pages import Page, Site, esc, layout

_METHODS = ("get", "post", "put", "patch", "delete")


def docs_page(site: Site, openapi: dict[str, Any]) -> Page:
    info = openapi.get("info", {})
    ops = []
    for path, item in sorted(openapi.get("paths", {}).items()):
        for method in _METHODS:
            if method in item:
                ops.append(_operation(path, method, item[method], openapi))
    schemas = openapi.get("components", {}).get("schemas", {})
    shown = {k: v for k, v in schemas.items() if not k.endswith("ValidationError")}
    models = "".join(
        f'<section class="schema" id="schema-{esc(name)}"><h3>{esc(name)}</h3>'
        f"<pre>{esc(json.dumps(schema, indent=2))}</pre></section>"
        for name, schema in sorted(shown.items())
    )
    main = f"""<main class="docs"><h1>{esc(info.get("title", "API"))} {esc(info.get("version", ""))}</h1>
<p>{esc(info.get("description", ""))}</p>
<p>The machine-readable document: <a href="/openapi.json">/openapi.json</a> (OpenAPI
{esc(openapi.get("openapi", ""))}). When the server has a token, send
<code>Authorization: Bearer TOKEN</code>.</p>
{"".join(ops)}
<h2>Schemas</h2>{models}</main>"""
    return layout(site, "Narrascope: API", main, twin="/openapi.json")


def _operation(path: str, method: str, op: dict[str, Any], openapi: dict[str, Any]) -> str:
    params = "".join(
        f"<li><code>{esc(p.get('name', ''))}</code> ({esc(p.get('in', ''))}"
        f"{', required' if p.get('required') else ''}) {esc(p.get('description', ''))}</li>"
        for p in op.get("parameters", [])
    )
    body = ""
    content = op.get("requestBody", {}).get("content", {})
    for media, spec in content.items():
        ref = str(spec.get("schema", {}).get("$ref", ""))
        name = ref.rsplit("/", 1)[-1]
        link = f' <a href="#schema-{esc(name)}">{esc(name)}</a>' if name else ""
        body += f"<p>Body: <code>{esc(media)}</code>{link}</p>"
    responses = "".join(
        f"<li><code>{esc(code)}</code> {esc(r.get('description', ''))}</li>"
        for code, r in op.get("responses", {}).items()
    )
    return (
        f'<section class="op"><h2><span class="method">{esc(method.upper())}</span> '
        f"<code>{esc(path)}</code></h2>"
        f"<p>{esc(op.get('summary', ''))}</p>"
        + (f"<ul>{params}</ul>" if params else "")
        + body
        + f'<ul class="responses">{responses}</ul></section>'
    )
