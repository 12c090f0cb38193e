"""One self-contained HTML5 page for one analysis: highlighted article beside a panel of findings.

No external resources: the stylesheet and the one script are inline, and a Content-Security-Policy allows
exactly those two (by their SHA-256) and nothing else. Every piece of article text, label and attribute is
escaped; data reach the script only through ``data-`` attributes, never inside the script.

:func:`report_parts` gives the page's parts (header, summary, legend, highlighted article, panel, footer,
stylesheet, script) for another page to compose, as the web app's result page does; :func:`to_html` is
those parts in one standalone page.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from narrascope.report._article import render_article
from narrascope.report._legend import render_legend
from narrascope.report._model import build
from narrascope.report._overview import render_summary
from narrascope.report._panel import render_panel
from narrascope.report._safe import csp, esc
from narrascope.report._summary import Summary, summarize
from narrascope.types import Analysis


@cache
def _asset(name: str) -> str:
    return resources.files("narrascope.report").joinpath(name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class ReportParts:
    """The parts of one analysis's HTML report. Each part is HTML with every text escaped, except
    ``headline`` (plain text); ``style`` and ``script`` are the sources of the page's one stylesheet and one
    script, which the parts need."""

    headline: str
    header: str
    summary: str
    legend: str  # "" when nothing is highlighted
    article: str
    panel: str
    footer: str
    style: str
    script: str

    def columns(self) -> str:
        """The highlighted article beside the panel, as the stylesheet lays them out."""
        return f'<div class="layout"><main>{self.article}</main>{self.panel}</div>'

    def body(self) -> str:
        """Header, summary, legend, the two columns and the footer (the script not included)."""
        return "\n".join([self.header, self.summary, self.legend, self.columns(), self.footer])


def report_parts(analysis: Analysis) -> ReportParts:
    """The parts of the report of ``analysis``."""
    model = build(analysis)
    summary = summarize(analysis)
    article = render_article(analysis.document, model)
    # before the stylesheet: role badges add colour classes
    overview = render_summary(summary, model)
    legend = render_legend(model)
    panel = render_panel(analysis, model)
    return ReportParts(
        headline=summary.headline,
        header=_header(analysis, summary),
        summary=overview,
        legend=legend,
        article=article,
        panel=panel,
        footer=f"<footer>Narrascope analysis, schema {esc(analysis.schema_version)}. "
        "Highlights are model predictions, not verdicts.</footer>",
        style=_asset("page.css") + model.classes.css(),
        script=_asset("page.js"),
    )


def to_html(analysis: Analysis) -> str:
    """The page as a string (UTF-8 when written)."""
    parts = report_parts(analysis)
    style, script = parts.style, parts.script
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp([style], [script]))}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="narrascope">',
            f"<title>Narrascope: {esc(parts.headline)}</title>",
            f"<style>{style}</style>",
            "</head>",
            "<body>",
            parts.body(),
            f"<script>{script}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _header(analysis: Analysis, summary: Summary) -> str:
    doc = analysis.document
    art = doc.article
    facts = [v for v in (art.outlet, art.published) if v]
    facts += [f"id {art.id}"] if art.id else []
    facts += [
        f"language {doc.lang or '?'} ({doc.lang_score:.2f})",
        f"{len(doc.text):,} characters",
        f"{summary.words:,} words",
        f"{len(doc.sentences)} sentences",
        f"{len(doc.paragraphs)} paragraphs",
    ]
    return (
        f'<header class="page"><h1 id="headline">{esc(summary.headline)}</h1>'
        f'<p class="facts">{esc(" · ".join(facts))}</p></header>'
    )
