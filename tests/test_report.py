"""Renderers of one analysis: JSON, text, HTML."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from narrascope.labels import label_info
from narrascope.report import to_html, to_json, to_text
from narrascope.report._common import info
from narrascope.report._segments import segments
from narrascope.types import Analysis, Article, DetectorResult, Document, Finding, Span

TEXT = (
    "Shameless traitors sold our farms to foreign bankers!\n\n"
    "The minister, a spineless puppet, lied again. Everyone knows it.\r\n"
    "Hostile bit: <script>alert(1)</script> <img src=x onerror=alert(2)> & \"quotes\" 'too'.\n"
    "И это всё. यह सब है। هذا كل شيء."
)
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "code", "div", "main",
    "article", "aside", "section", "ul", "ol", "li", "span", "mark", "a", "button", "meter", "dl", "dt", "dd",
    "footer", "script", "h3", "details", "summary", "label", "input", "output", "blockquote", "strong",
    "br", "svg", "g", "rect", "text",
}  # fmt: skip


def _span(sub: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(sub, start + 1)
    return Span(start, start + len(sub))


def _finding(label: str, score: float, sub: str, **kw: object) -> Finding:
    s = _span(sub)
    return Finding(label, score, s.start, s.end, **kw)  # type: ignore[arg-type]


def _sentences() -> tuple[Span, ...]:
    return tuple(Span(m.start(), m.end()) for m in re.finditer(r"[^\s][^.!?।\n]*[.!?।]?", TEXT))


def _paragraphs() -> tuple[Span, ...]:
    return tuple(Span(m.start(), m.end()) for m in re.finditer(r"[^\r\n]+", TEXT))


def make_analysis() -> Analysis:
    minister = _span("The minister, a spineless puppet, lied again.")
    traitors = _span("Shameless traitors sold our farms to foreign bankers!")
    techniques = (
        _finding("Loaded_Language", 0.91, "Shameless"),
        _finding("Name_Calling-Labeling", 0.8, "Shameless traitors"),  # overlaps the one above
        _finding("Name_Calling-Labeling", 0.75, "spineless puppet"),
        _finding("Loaded_Language", 0.6, "spineless"),  # inside the one above, lower score
        _finding("Repetition", 0.4, "Everyone knows it."),
        _finding("Home_Made_Label", 0.5, "<script>alert(1)</script>"),  # a user taxonomy's label
    )
    doc = Document(
        Article(TEXT, id="a1", title="Farms & <bankers>", outlet="The Daily Test"),
        "en", 0.98, _sentences(), _paragraphs(),
    )  # fmt: skip
    return Analysis(
        doc,
        (
            DetectorResult("techniques.v1", "2024.1", techniques),
            DetectorResult("genre.v1", "1.0", (Finding("opinion", 0.82), Finding("reporting", 0.15))),
            DetectorResult("frames.v1", "1.0", (Finding("Economic", 0.66), Finding("Political", 0.41))),
            DetectorResult(
                "narratives.v1",
                "1.0",
                (
                    Finding(
                        "URW: Discrediting the government",
                        0.71,
                        evidence=(minister, traitors),
                        attrs=(("subnarrative", "The minister is a puppet"),),
                    ),
                ),
            ),
            DetectorResult(
                "framing.v1",
                "1.0",
                (
                    _finding(
                        "minister",
                        0.77,
                        "minister",
                        attrs=(("fine_roles", "Deceiver,Incompetent"), ("main_role", "Antagonist")),
                    ),
                ),
            ),
        ),
        warnings=("model for 'hi' missing: <fallback>",),
    )


class _Page(HTMLParser):
    """Collects the text of ``<article id="text">``, every tag and attribute, and checks nesting."""

    VOID = frozenset({"meta", "br", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.article_depth: int | None = None
        self.article_text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.VOID:
            return
        self.stack.append(tag)
        if tag == "article" and dict(attrs).get("id") == "text":
            self.article_depth = len(self.stack)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        if self.article_depth == len(self.stack):
            self.article_depth = -1
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.article_depth is not None and self.article_depth > 0:
            self.article_text.append(data)
        if self.stack and self.stack[-1] == "script":
            self.scripts.append(data)
        if self.stack and self.stack[-1] == "style":
            self.styles.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.stack == []
    return page


def _strip_article(html: str) -> str:
    inner = html.split('<article id="text"', 1)[1].split(">", 1)[1].split("</article>", 1)[0]
    from html import unescape

    return unescape(re.sub(r"<[^>]*>", "", inner))


# ---- JSON ----


def test_json_round_trips_and_is_stable() -> None:
    a = make_analysis()
    out = to_json(a)
    assert Analysis.from_dict(json.loads(out)) == a
    assert out == to_json(Analysis.from_dict(json.loads(out)))
    assert "И это всё" in out  # not \u-escaped
    assert list(json.loads(out)["results"]) == [r.task for r in a.results]  # run order kept


# ---- text ----


def test_text_mentions_every_label_with_scores_and_snippets() -> None:
    a = make_analysis()
    out = to_text(a)
    for result in a.results:
        for f in result.findings:
            if not f.attr("main_role"):
                assert info(result.task, f.label).display in out, f.label
    assert "Opinion 0.82 · Reporting 0.15" in out
    assert "Home Made Label ×1" in out
    assert "Name calling or labelling ×2" in out
    puppet = _span("spineless puppet")
    assert f"[{puppet.start}-{puppet.end}] 0.75 “spineless puppet”" in out
    assert "subnarrative: The minister is a puppet" in out
    assert "› “The minister, a spineless puppet, lied again.”" in out
    assert "“minister”" in out and "Antagonist: Deceiver, Incompetent" in out
    assert "language en (0.98)" in out and f"{len(TEXT)} characters" in out
    assert "model for 'hi' missing" in out
    assert "\x1b" not in out


def test_text_colours_only_on_request_and_never_passes_control_characters() -> None:
    a = make_analysis()
    assert "\x1b[1m" in to_text(a, color=True)
    hostile = "Clear \x1b[2J screen\x07 now."
    doc = Document(Article(hostile), "en", 1.0, (Span(0, len(hostile)),), (Span(0, len(hostile)),))
    result = DetectorResult("techniques.v1", "1", (Finding("Loaded_Language", 0.5, 0, len(hostile)),))
    out = to_text(Analysis(doc, (result,)))
    assert "\x1b" not in out and "\x07" not in out


def test_text_snippets_are_at_most_80_characters() -> None:
    long = "word " * 100
    doc = Document(Article(long), "en", 1.0, (), ())
    out = to_text(Analysis(doc, (DetectorResult("techniques.v1", "1", (Finding("Doubt", 0.5, 0, 400),)),)))
    quoted = re.findall(r"“([^”]*)”", out)
    assert quoted and all(len(q) <= 80 for q in quoted) and quoted[0].endswith("…")


# ---- HTML ----


def test_html_article_text_is_exact_and_nesting_is_valid() -> None:
    html = to_html(make_analysis())
    page = parse(html)
    assert "".join(page.article_text) == TEXT
    assert _strip_article(html) == TEXT
    assert "\r" not in html  # parsers turn a raw CR into LF, so it is written as &#13;


def test_html_escapes_hostile_text_and_runs_only_its_own_script() -> None:
    html = to_html(make_analysis())
    page = parse(html)
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS  # no <img>, no injected <script>
    assert [t for t, _ in page.tags].count("script") == 1
    assert all(not k.startswith("on") for _, attrs in page.tags for k in attrs)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "<title>Narrascope: Farms &amp; &lt;bankers&gt;</title>" in html
    assert "alert" not in page.scripts[0]


def test_html_is_self_contained_with_a_strict_csp_matching_its_inline_code() -> None:
    html = to_html(make_analysis())
    page = parse(html)
    metas = [a for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    policy = metas[0]["content"] or ""
    assert "default-src 'none'" in policy and "unsafe" not in policy

    def sha(s: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"

    assert f"script-src {sha(page.scripts[0])}" in policy
    assert f"style-src {sha(page.styles[0])}" in policy
    assert not re.search(r"(src|href)=\"(?!#)", html)  # links only to anchors of this page
    assert "http://" not in html and "https://" not in html and "@import" not in html
    assert all("style" not in a for _, a in page.tags)  # no inline style attributes (the CSP forbids them)


def test_html_overlapping_findings_share_one_mark_per_segment() -> None:
    html = to_html(make_analysis())
    page = parse(html)
    marks = [a for t, a in page.tags if t == "mark"]
    both = [m for m in marks if m["data-labels"] == "Loaded_Language Name_Calling-Labeling"]
    assert len(both) == 1  # "Shameless": both labels, best score first
    assert "multi" in (both[0]["class"] or "")
    assert "Loaded language (0.91)" in (both[0]["title"] or "")
    assert label_info("techniques", "Loaded_Language").definition in (both[0]["title"] or "")
    inner = [m for m in marks if m["data-labels"] == "Name_Calling-Labeling Loaded_Language"]
    assert len(inner) == 1  # "spineless": the puppet label scores higher there
    assert all(m["tabindex"] == "0" for m in marks)
    alone = [m for m in marks if m["data-labels"] == "Name_Calling-Labeling"]
    assert len(alone) == 2 and all("multi" not in (m["class"] or "") for m in alone)
    # colour classes: each mark's first key is the class that paints it, and the stylesheet defines it
    style = page.styles[0]
    color = label_info("techniques", "Loaded_Language").color
    key = (both[0]["class"] or "").split()[0]
    assert f".{key}{{background-color:{color}}}" in style
    custom = next(m for m in marks if m["data-labels"] == "Home_Made_Label")
    assert f".{(custom['class'] or '').split()[0]}{{background-color:#e0e0e0}}" in style


def test_html_panel_links_to_evidence_and_entities_and_has_a_legend() -> None:
    a = make_analysis()
    page = parse(to_html(a))
    ids = {attrs["id"] for _, attrs in page.tags if attrs.get("id")}
    links = [attrs["href"] or "" for t, attrs in page.tags if t == "a"]
    assert links and all(link.startswith("#") and link[1:] in ids for link in links)
    minister = _span("The minister, a spineless puppet, lied again.")
    assert f"#ev-{minister.start}-{minister.end}" in links
    assert f"#en-{_span('minister').start}-{_span('minister').end}" in links
    evidence = [attrs for t, attrs in page.tags if t == "span" and attrs.get("class") == "ev"]
    assert evidence and all("URW: Discrediting the government" in (e["title"] or "") for e in evidence)
    buttons = [attrs for t, attrs in page.tags if t == "button" and attrs.get("class") == "lg"]
    assert len(buttons) == 4 and all(b["aria-pressed"] == "true" for b in buttons)
    badges = [
        attrs["class"] or "" for t, attrs in page.tags if t == "span" and "badge" in (attrs["class"] or "")
    ]
    assert len(badges) == 4  # the panel's main and two fine roles, and the cast's main role
    meters = [attrs for t, attrs in page.tags if t == "meter"]
    assert [m["value"] for m in meters][:2] == ["0.8200", "0.1500"]


def test_html_entity_button_marks_every_mention_of_its_entity() -> None:
    """An entity-level row is a toggle keyed to its entity; each of that entity's mentions in the text carries
    the same key (the page's script marks them), and another entity's mentions carry another key."""
    a = make_analysis()
    role = (("main_role", "Antagonist"), ("fine_roles", "Deceiver"))
    farms = _span("farms")
    mentions = (
        _finding("minister", 0.7, "minister", attrs=(("entity", "The minister"), *role)),
        _finding("puppet", 0.6, "spineless puppet", attrs=(("entity", "The minister"), *role)),
        Finding("farms", 0.5, farms.start, farms.end, attrs=(("entity", "farms"), *role)),
        Finding("The minister", 0.65, attrs=(("entity", "The minister"), ("level", "entity"), *role)),
    )
    framing = DetectorResult("framing.v1", "1.0", mentions)
    a = Analysis(a.document, (*a.results[:-1], framing), warnings=a.warnings)
    page = parse(to_html(a))
    buttons = [attrs for t, attrs in page.tags if t == "button" and attrs.get("class") == "ent"]
    assert len(buttons) == 1 and buttons[0]["aria-pressed"] == "false"
    key = buttons[0]["data-entity"] or ""
    keyed = [(a["data-entity"] or "").split() for _, a in page.tags if a.get("class") == "mention"]
    assert sum(key in k for k in keyed) >= 2  # both of its mentions (a mention may be cut into segments)
    assert any(k and key not in k for k in keyed)  # "farms" is another entity
    assert "Select an entity to mark its mentions" in to_html(a)


def test_html_legend_counts_and_sections() -> None:
    html = to_html(make_analysis())
    assert '<span class="name">Name calling or labelling</span> <span class="n">2</span>' in html
    for title in ("Techniques", "Genre", "Frames", "Narratives", "Entities", "Warnings"):
        assert f">{title}</h2>" in html


def test_html_renders_an_empty_analysis() -> None:
    doc = Document(Article(""), "", 0.0, (), ())
    page = parse(to_html(Analysis(doc)))
    assert page.article_text == []


# ---- properties ----

ALPHABET = st.characters(exclude_categories=["Cs"]) | st.sampled_from(
    [*"<>&\"'\n\r\t ;#", "И", "ж", "क", "्", "ह", "ع", "ل", "\u200f", "\u00a0"]
)


@st.composite
def analyses(draw: st.DrawFn) -> Analysis:
    text = draw(st.text(ALPHABET, max_size=120))
    n = len(text)

    def spans(max_size: int) -> list[Span]:
        pairs = draw(st.lists(st.tuples(st.integers(0, n), st.integers(0, n)), max_size=max_size))
        return [Span(min(p), max(p)) for p in pairs]

    findings = [
        Finding(draw(st.sampled_from(["Doubt", "Slogans", "Loaded_Language", "<b>x</b>"])),
                draw(st.floats(0, 1)), s.start, s.end)
        for s in spans(8)
    ]  # fmt: skip
    narrative = Finding("N <i>", 0.5, evidence=tuple(spans(3)), attrs=(("k", "<v>"),))
    doc = Document(Article(text), "xx", 0.5, tuple(spans(4)), tuple(spans(4)))
    results = (
        DetectorResult("techniques.v1", "1", tuple(findings)),
        DetectorResult("narratives.v1", "1", (narrative,)),
    )
    return Analysis(doc, results)


@settings(max_examples=150, deadline=None)
@given(analyses())
def test_property_article_text_survives_any_text_and_spans(a: Analysis) -> None:
    html = to_html(a)
    page = parse(html)
    assert "".join(page.article_text) == a.document.text
    assert _strip_article(html) == a.document.text
    assert {t for t, _ in page.tags} <= ALLOWED_TAGS
    assert [t for t, _ in page.tags].count("script") == 1


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 60),
    st.lists(st.lists(st.tuples(st.integers(0, 70), st.integers(0, 70)), max_size=6), max_size=3),
)
def test_property_segments_tile_the_text_and_report_cover(n: int, raw: list[list[tuple[int, int]]]) -> None:
    layers = [[Span(min(p), max(p)) for p in layer] for layer in raw]
    segs = segments(n, layers)
    assert [s.start for s in segs[1:]] == [s.end for s in segs[:-1]]
    assert (segs[0].start, segs[-1].end) == (0, n) if n else segs == []
    for seg in segs:
        assert seg.end > seg.start
        for li, layer in enumerate(layers):
            expect = tuple(i for i, sp in enumerate(layer) if sp.start <= seg.start and seg.end <= sp.end)
            assert seg.cover[li] == expect
            assert seg.starting[li] == tuple(i for i in expect if layer[i].start == seg.start)


def test_json_keeps_the_schema_shape_of_findings() -> None:
    d = json.loads(to_json(make_analysis()))
    first = d["results"]["techniques"]["findings"][0]
    assert first == {"label": "Loaded_Language", "score": 0.91, "start": 0, "end": 9}
    narrative = d["results"]["narratives"]["findings"][0]
    assert narrative["attrs"] == {"subnarrative": "The minister is a puppet"}
    assert len(narrative["evidence"]) == 2


def test_report_parts_are_the_page_in_its_order() -> None:
    """The public parts (what the web page composes) are the standalone page's own, in its order."""
    from narrascope.report import report_parts

    analysis = make_analysis()
    parts = report_parts(analysis)
    html = to_html(analysis)
    assert parts.legend and "<mark " in parts.article and 'id="panel"' in parts.panel
    pieces = [parts.header, parts.summary, parts.legend, parts.article, parts.panel, parts.footer]
    at = [html.index(p) for p in pieces]
    assert at == sorted(at) and html.index(f"<script>{parts.script}</script>") > at[-1]
    assert f"<style>{parts.style}</style>" in html and "<title>Narrascope: " in html
    assert html.split("<body>\n", 1)[1].startswith(parts.body() + "\n<script>")


def test_one_escape_and_one_policy_for_every_page() -> None:
    from narrascope.report import csp, esc, source_hash

    assert esc('<a href="x">&\'\r') == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;&#13;" and esc(3) == "3"
    standalone = csp(["b{}"])
    assert standalone == (
        f"default-src 'none'; style-src {source_hash('b{}')}; script-src 'none'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    served = csp(scripts=["x()"], served=True)
    assert f"script-src 'self' {source_hash('x()')}" in served and "style-src 'self';" in served
    assert (
        "frame-ancestors 'none'" in served
        and "object-src 'none'" in served
        and "default-src 'self'" in served
    )
