"""The claims part of the HTML panel: each check-worthy sentence with its score, and the known claims it
restates with their similarity and a link (only ``http``/``https`` links; any other address is shown as
text)."""

from __future__ import annotations

from narrascope.report._common import snippet
from narrascope.report._safe import esc
from narrascope.types import DetectorResult, Finding, Span


def render_claims(text: str, result: DetectorResult) -> str:
    """``<ol class="claims">``: sentences in text order, each followed by its known-claim matches."""
    sentences = [f for f in result.findings if f.attr("level") == "sentence" and f.span is not None]
    if not sentences:
        return ""
    matches: dict[Span, list[Finding]] = {}
    for f in result.findings:
        if f.attr("level") == "match" and f.span is not None:
            matches.setdefault(f.span, []).append(f)
    notes = sorted({f.attr("language_note") for f in sentences} - {""})
    parts = [f'<p class="note">{esc(n)}</p>' for n in notes]
    items = []
    for f in sorted(sentences, key=lambda f: (f.start or 0, f.end or 0)):
        span = f.span or Span(0, 0)
        known = "".join(_match(m) for m in sorted(matches.get(span, []), key=lambda m: -m.score))
        items.append(
            f'<li><span class="score">{f.score:.2f}</span> “{esc(snippet(text, span, 140))}” '
            f'<span class="where">[{span.start}-{span.end}]</span>'
            + (f'<ul class="known">{known}</ul>' if known else "")
            + "</li>"
        )
    parts.append(f'<ol class="claims">{"".join(items)}</ol>')
    return "".join(parts)


def _match(m: Finding) -> str:
    claim = esc(m.attr("claim") or m.attr("claim_id"))
    url = m.attr("url")
    if url.startswith(("https://", "http://")):
        claim = f'<a href="{esc(url)}" rel="noreferrer noopener">{claim}</a>'
    date = f" ({esc(m.attr('date'))})" if m.attr("date") else ""
    return f'<li>known claim{date}: {claim} <span class="score">similarity {m.score:.2f}</span></li>'
