"""The article body of the HTML page: exact text, paragraphs, highlights, evidence underlines and anchors.

The text is cut at every boundary of every span (paragraphs, findings, evidence sentences, entity mentions);
each segment is escaped and wrapped once, so overlapping findings never need overlapping tags, and stripping
the tags and unescaping the entities gives back ``Article.text`` exactly.
"""

from __future__ import annotations

from narrascope.report._model import Mark, PageModel, evidence_id, mention_id
from narrascope.report._safe import esc
from narrascope.report._segments import Segment, segments
from narrascope.types import Document, Span

_PARA, _MARK, _EVID, _MENTION = range(4)


def render_article(doc: Document, model: PageModel) -> str:
    """``<article id="text">`` with the whole text; the caller puts it in a ``white-space: pre-wrap`` box."""
    text = doc.text
    paragraphs = sorted(doc.paragraphs, key=lambda s: (s.start, s.end))
    marks = [Span(m.finding.start or 0, m.finding.end or 0) for m in model.marks]
    parts = ['<article id="text" dir="auto"' + (f' lang="{esc(doc.lang)}"' if doc.lang else "") + ">"]
    current: int | None = None
    for seg in segments(len(text), [paragraphs, marks, model.evidence, model.mentions]):
        para = seg.cover[_PARA][0] if seg.cover[_PARA] else None
        if para != current:
            parts.append("</p>" if current is not None else "")
            parts.append(f'<p data-para="{para}">' if para is not None else "")
            current = para
        parts.append(_anchors(seg, model))
        parts.append(_wrap(seg, model, esc(text[seg.start : seg.end])))
    parts.append("</p>" if current is not None else "")
    parts.append("</article>")
    return "".join(parts)


def _anchors(seg: Segment, model: PageModel) -> str:
    """Empty targets for the side panel's links, one per evidence sentence or mention starting here."""
    ids = [evidence_id(model.evidence[i]) for i in seg.starting[_EVID]]
    ids += [mention_id(model.mentions[i]) for i in seg.starting[_MENTION]]
    return "".join(f'<span class="anchor" id="{i}"></span>' for i in ids)


def _wrap(seg: Segment, model: PageModel, inner: str) -> str:
    if seg.cover[_MARK]:
        inner = _mark([(i, model.marks[i]) for i in seg.cover[_MARK]], inner)
    if seg.cover[_MENTION]:
        keys = sorted({model.entity_of.get(model.mentions[i], "") for i in seg.cover[_MENTION]} - {""})
        inner = f'<span class="mention" data-entity="{" ".join(keys)}">{inner}</span>'
    if seg.cover[_EVID]:
        cited = sorted({c for i in seg.cover[_EVID] for c in model.cited_by[model.evidence[i]]})
        inner = f'<span class="ev" title="{esc("Evidence for: " + "; ".join(cited))}">{inner}</span>'
    return inner


def _mark(covering: list[tuple[int, Mark]], inner: str) -> str:
    """One ``<mark>``: background of the best-scoring label (a phrase's before a whole sentence's, such as a
    check-worthy claim, so that sentence marks never cover the phrases inside them), one underline per
    finding at its lane (stacked, so overlapping techniques stay legible; ``data-f`` numbers the finding),
    and the tip shown on hover and on keyboard focus."""
    best: dict[str, Mark] = {}
    for _, m in sorted(covering, key=_precedence):
        best.setdefault(m.cls, m)
    ordered = list(best.values())
    keys = " ".join(best)
    scores = " ".join(f"{m.finding.score:.3f}" for m in ordered)
    cls = ordered[0].cls + (" multi" if len(ordered) > 1 else "")
    names = " ".join(m.info.name.replace(" ", "_") for m in ordered)
    tip = esc("\n\n".join(_tip(m) for m in ordered))
    for i, m in sorted(covering, key=lambda im: (-im[1].lane, im[0])):
        inner = (
            f'<span class="ln l{m.lane} u{m.cls[1:]}" data-key="{m.cls}" data-f="{i}" '
            f'data-score="{m.finding.score:.3f}">{inner}</span>'
        )
    return (
        f'<mark class="{cls}" data-keys="{keys}" data-scores="{scores}" data-labels="{esc(names)}" '
        f'tabindex="0" title="{tip}" data-tip="{tip}">{inner}</mark>'
    )


def _precedence(im: tuple[int, Mark]) -> tuple[bool, float, str, str]:
    m = im[1]
    return (m.finding.attr("level") == "sentence", -m.finding.score, m.task, m.info.name)


def _tip(m: Mark) -> str:
    head = f"{m.info.display} ({m.finding.score:.2f})"
    return head + (f"\n{m.info.definition}" if m.info.definition else "")
