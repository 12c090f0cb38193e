"""The summary above the text and the legend: what an analysis says at a glance, and how the page draws it."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from narrascope.labels import label_info
from narrascope.report import to_html, to_text
from narrascope.report._model import Mark, assign_lanes
from narrascope.report._summary import headline, summarize
from narrascope.types import Analysis, Article, DetectorResult, Document, Finding, Span

EVIL = "<script>window.__pwned=1</script>"
TEXT = (
    "Bankers betray the nation again\n\n"
    "The shameless bankers sold our farms. The minister, a spineless puppet, lied again.\n"
    "Brave farmers stood up for every family in the valley. Everyone knows it."
)


def _span(sub: str) -> Span:
    i = TEXT.index(sub)
    return Span(i, i + len(sub))


def _located(label: str, score: float, sub: str) -> Finding:
    s = _span(sub)
    return Finding(label, score, s.start, s.end)


def _mention(name: str, sub: str, role: str, fine: str = "") -> Finding:
    s = _span(sub)
    attrs = (("entity", name), ("fine_roles", fine), ("level", "mention"), ("main_role", role))
    return Finding(role, 0.8, s.start, s.end, attrs=attrs)


def analysis(title: str = "", framing: tuple[Finding, ...] | None = None, **meta: str) -> Analysis:
    sentences = tuple(Span(m.start(), m.end()) for m in re.finditer(r"[^\n.]+\.?", TEXT))
    paragraphs = tuple(Span(m.start(), m.end()) for m in re.finditer(r"[^\n]+", TEXT))
    minister = _span("The minister, a spineless puppet, lied again.")
    techniques = (
        _located("Loaded_Language", 0.9, "shameless"),
        _located("Name_Calling-Labeling", 0.7, "shameless bankers"),  # overlaps the one above
        _located("Name_Calling-Labeling", 0.6, "spineless puppet"),
        _located("Appeal_to_Popularity", 0.3, "Everyone knows it."),
    )
    narratives = (
        Finding("URW: Discrediting the government", 0.4, evidence=(), attrs=(("level", "narrative"),)),
        Finding(
            "URW: Blaming the bankers",
            0.7,
            evidence=(minister, _span("The shameless bankers sold our farms.")),
            attrs=(("dominant", "true"), ("level", "narrative")),
        ),
        Finding(
            "URW: Blaming the bankers: Bankers own the minister",
            0.5,
            attrs=(("level", "subnarrative"), ("parent", "URW: Blaming the bankers")),
        ),
    )
    if framing is None:
        framing = (
            _mention("bankers", "bankers", "Antagonist", "Conspirator"),
            _mention("minister", "minister", "Antagonist", "Deceiver"),
            _mention("minister", "puppet", "Antagonist", "Deceiver"),
            _mention("farmers", "farmers", "Protagonist", "Virtuous"),
            _mention("family", "family", "Innocent", "Victim"),
        )
    doc = Document(Article(TEXT, id="t1", title=title, **meta), "en", 0.99, sentences, paragraphs)
    return Analysis(
        doc,
        (
            DetectorResult("techniques.v2", "1", techniques),
            DetectorResult("genre.v1", "1", (Finding("opinion", 0.8), Finding("reporting", 0.2))),
            DetectorResult("narratives.v1", "1", narratives),
            DetectorResult("framing.v1", "1", framing),
        ),
    )


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    p = _Tags()
    p.feed(html)
    return p.tags


def section(html: str, sid: str) -> str:
    start = html.index(f'<section id="{sid}"')
    return html[start : html.index("</section>", start)]


def test_headline_is_the_title_or_else_the_first_line_or_else_the_id() -> None:
    assert headline(analysis(title="A  title\nwith breaks")) == "A title with breaks"
    assert headline(analysis()) == "Bankers betray the nation again"
    empty = Analysis(Document(Article("", id="x9"), "", 0.0, (), ()))
    assert headline(empty) == "Article x9"
    long = Analysis(Document(Article("w" * 500), "", 0.0, (), ()))
    assert len(headline(long)) == 160 and headline(long).endswith("…")


def test_summary_dominant_narrative_cast_and_density() -> None:
    s = summarize(analysis(outlet="The Valley Post", published="2024-05-01"))
    assert (s.outlet, s.published, s.words) == ("The Valley Post", "2024-05-01", len(TEXT.split()))
    assert s.genre is not None and s.genre.label == "opinion"
    assert s.lead is not None and s.lead.narrative.label == "URW: Blaming the bankers"  # dominant, not first
    assert s.lead.sentence == "The minister, a spineless puppet, lied again."  # its first evidence
    assert s.lead.subnarrative is not None and s.lead.subnarrative.display == "Bankers own the minister"
    assert [(m.role, m.name, m.mentions) for m in s.cast] == [
        ("Protagonist", "farmers", 1),
        ("Antagonist", "minister", 2),
        ("Antagonist", "bankers", 1),
        ("Innocent", "family", 1),
    ]
    groups = {g.name: g for g in s.groups}
    assert groups["Manipulative wording"].count == 1 and groups["Attack on reputation"].count == 2
    assert groups["Justification"].count == 1 and groups["Distraction"].count == 0
    assert abs(s.total.per_1000 - 4 * 1000 / s.words) < 1e-9
    d = s.to_dict()
    assert d["technique_count"] == 4 and d["dominant_narrative"]["evidence"]["start"] == TEXT.index("The min")


def test_cast_uses_the_entity_level_summary_when_there_is_one() -> None:
    summary = Finding(
        "Antagonist",
        0.6,
        attrs=(("entity", "Bank"), ("fine_roles", "Tyrant"), ("level", "entity"), ("main_role", "Antagonist"),
               ("mentions", "7")),
    )  # fmt: skip
    s = summarize(analysis(framing=(_mention("Bank", "bankers", "Antagonist"), summary)))
    assert [(m.name, m.mentions, m.fine_roles) for m in s.cast] == [("Bank", 7, ("Tyrant",))]
    assert s.cast[0].agree == 0 and s.cast[0].to_dict()["agree"] is None  # not given: not claimed


def test_cast_says_how_many_mentions_agree_with_the_entitys_role() -> None:
    summary = Finding(
        "Antagonist",
        0.6,
        attrs=(("agree", "4"), ("entity", "Bank"), ("fine_roles", "Tyrant"), ("level", "entity"),
               ("main_role", "Antagonist"), ("mentions", "7")),
    )  # fmt: skip
    a = analysis(framing=(_mention("Bank", "bankers", "Antagonist"), summary))
    s = summarize(a)
    assert (s.cast[0].agree, s.cast[0].to_dict()["agree"]) == (4, 4)
    assert "Bank ×7 (4 agree)" in to_text(a)
    html = to_html(a)
    assert 'title="7 mentions, 4 of them cast as Antagonist"' in html
    # from mentions alone (no entity-level finding), the agreeing mentions are counted
    s = summarize(analysis())
    assert all(1 <= m.agree <= m.mentions for m in s.cast)


def test_summary_is_above_the_text_and_links_the_strongest_sentence() -> None:
    html = to_html(analysis(outlet="The Valley Post"))
    assert html.index('id="summary"') < html.index('id="legend"') < html.index('<article id="text"')
    assert '<h1 id="headline">Bankers betray the nation again</h1>' in html
    assert "The Valley Post" in html.split("</header>")[0]
    summary = section(html, "summary")
    minister = _span("The minister, a spineless puppet, lied again.")
    assert f'href="#ev-{minister.start}-{minister.end}"' in summary
    assert f'id="ev-{minister.start}-{minister.end}"' in html  # the anchor it points to exists
    assert "Opinion" in summary and "Bankers own the minister" in summary
    bars = [a for t, a in tags(summary) if t == "rect"]
    assert len(bars) == 6  # one per technique group, found or not
    widths = {g["data-group"]: float(g["data-value"]) for t, g in tags(summary) if t == "g"}
    assert widths["Attack on reputation"] > widths["Justification"] > widths["Distraction"] == 0.0
    # the cast: a button per entity with mentions in the text, grouped under its role's badge
    who = [a for t, a in tags(summary) if t == "button" and "who" in a.get("class", "")]
    assert len(who) == 4
    assert summary.index("Protagonist") < summary.index("Antagonist") < summary.index("Innocent")
    keys = {a["data-entity"] for a in who}
    mentions = {a["data-entity"] for t, a in tags(html) if a.get("class") == "mention"}
    assert keys <= mentions


def test_legend_defines_each_label_groups_them_and_carries_the_filters() -> None:
    html = to_html(analysis())
    legend = section(html, "legend")
    for label in ("Loaded_Language", "Name_Calling-Labeling", "Appeal_to_Popularity"):
        assert escape(label_info("techniques", label).definition) in legend
    found = tags(legend)
    groups = [a["data-group"] for t, a in found if t == "input" and a.get("class") == "grp"]
    assert len(groups) == 3 and all(
        a.get("checked") == "" for t, a in found if t == "input" and "grp" in a.get("class", "")
    )
    slider = next(a for t, a in found if t == "input" and a.get("id") == "conf")
    assert (slider["type"], slider["min"], slider["max"]) == ("range", "0", "1")
    buttons = [a for t, a in found if t == "button"]
    assert {b["data-group"] for b in buttons} == set(groups)
    assert '<span class="name">Name calling or labelling</span> <span class="n">2</span>' in legend


def test_overlapping_findings_get_stacked_underlines_with_their_scores() -> None:
    html = to_html(analysis())
    marks = [a for t, a in tags(html) if t == "mark"]
    both = next(m for m in marks if len(m["data-keys"].split()) == 2)  # "shameless"
    assert both["data-scores"] == "0.900 0.700"
    assert (
        "Loaded language (0.90)" in both["data-tip"]
        and "Name calling or labelling (0.70)" in both["data-tip"]
    )
    assert label_info("techniques", "Loaded_Language").definition in both["data-tip"]
    lines = [a for t, a in tags(html) if t == "span" and "ln" in a.get("class", "").split()]
    lanes = {a["data-f"]: a["class"].split()[1] for a in lines}
    on_shameless = [a for a in lines if a["data-score"] in ("0.900", "0.700")]
    assert len({a["class"].split()[1] for a in on_shameless}) == 2  # two lanes, so two visible underlines
    assert len(lanes) == 4  # every finding has its underline


def test_lanes_separate_overlaps_and_reuse_free_levels() -> None:
    info = label_info("techniques", "Doubt")

    def mark(a: int, b: int) -> Mark:
        return Mark(Finding("Doubt", 0.5, a, b), "techniques", info, "k0")

    marks = [mark(0, 10), mark(2, 5), mark(6, 9), mark(12, 20), mark(3, 4)]
    lanes = {(m.finding.start, m.finding.end): m.lane for m in assign_lanes(marks)}
    assert lanes == {(0, 10): 0, (2, 5): 1, (6, 9): 1, (12, 20): 0, (3, 4): 2}


def test_hostile_headline_outlet_entity_and_narrative_stay_inert() -> None:
    hostile = Analysis(
        Document(Article(EVIL + "\n\nBody text here.", id=EVIL, title=EVIL, outlet=EVIL), "en", 1.0, (), ()),
        (
            DetectorResult("narratives.v1", "1", (Finding(EVIL, 0.9, attrs=(("dominant", "true"),)),)),
            DetectorResult(
                "framing.v1",
                "1",
                (Finding("Antagonist", 0.7, 0, 8, attrs=(("entity", EVIL), ("main_role", "Antagonist"))),),
            ),
        ),
    )
    html = to_html(hostile)
    assert "<script>window" not in html and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert [t for t, _ in tags(html)].count("script") == 1


def test_report_of_a_5000_character_article_is_one_self_contained_file() -> None:
    sentence = "The shameless bankers sold our farms, and the minister lied again to every family. "
    text = (sentence * (5000 // len(sentence) + 1))[:5000]
    found = tuple(
        Finding(label, 0.3 + (i % 7) / 10, i * 25, i * 25 + 40)
        for i, label in enumerate(["Loaded_Language", "Doubt", "Repetition", "Name_Calling-Labeling"] * 49)
    )
    doc = Document(Article(text, id="long"), "en", 1.0, (Span(0, 5000),), (Span(0, 5000),))
    html = to_html(Analysis(doc, (DetectorResult("techniques.v2", "1", found),)))
    assert "http://" not in html and "https://" not in html and "@import" not in html
    assert not re.search(r"\b(src|href)=\"(?!#)", html)
    found_tags = [t for t, _ in tags(html)]
    assert found_tags.count("script") == 1 and found_tags.count("style") == 1
    assert found_tags.count("link") == 0 and found_tags.count("img") == 0
    assert len([a for t, a in tags(html) if t == "span" and "ln" in a.get("class", "").split()]) >= len(found)


def test_text_view_opens_on_the_same_summary() -> None:
    from narrascope.report import to_text

    out = to_text(analysis())
    glance = out[out.index("At a glance") : out.index("\n\n", out.index("At a glance"))]
    assert "  Bankers betray the nation again" in glance
    assert "dominant narrative: URW: Blaming the bankers 0.70" in glance
    assert "› “The minister, a spineless puppet, lied again.”" in glance
    assert "persuasion: " in glance and "Attack on reputation" in glance and "Distraction" not in glance
    assert "antagonists: minister ×2, bankers ×1" in glance and "protagonists: farmers ×1" in glance


def test_no_density_is_claimed_when_the_techniques_detector_did_not_run() -> None:
    from narrascope.report import to_text

    a = analysis()
    without = Analysis(a.document, tuple(r for r in a.results if r.task != "techniques"))
    s = summarize(without)
    assert not s.measured and s.to_dict()["techniques_per_1000_words"] is None
    assert 'data-fact="persuasion-density"' not in to_html(without)
    assert "persuasion:" not in to_text(without)
    assert summarize(a).measured and 'data-fact="persuasion-density"' in to_html(a)


def _with_claims(*findings: Finding) -> Analysis:
    base = analysis()
    return Analysis(base.document, (*base.results, DetectorResult("claims.v1", "claims-1", findings)))


def _claim(sub: str, score: float) -> Finding:
    s = _span(sub)
    return Finding("check-worthy", score, s.start, s.end, attrs=(("level", "sentence"),))


def _match(sub: str, claim: str) -> Finding:
    s = _span(sub)
    return Finding("known-claim", 0.9, s.start, s.end, attrs=(("claim", claim), ("level", "match")))


def test_check_first_puts_restated_known_claims_first_then_the_highest_scores() -> None:
    farms, lied, brave = (
        "The shameless bankers sold our farms.",
        "The minister, a spineless puppet, lied again.",
        "Brave farmers stood up for every family in the valley.",
    )
    s = summarize(
        _with_claims(
            _claim(farms, 0.9),
            _claim(lied, 0.4),
            _claim(brave, 0.6),
            _claim("Everyone knows it.", 0.5),
            _match(lied, "The minister lies"),
            _match(lied, "The minister is a puppet"),
        )
    )
    assert s.check_worthy == 4
    assert [(c.sentence, c.known) for c in s.check_first] == [(lied, 2), (farms, 0), (brave, 0)]
    assert s.to_dict()["check_first"][0] == {
        "sentence": lied,
        "start": TEXT.index(lied),
        "end": TEXT.index(lied) + len(lied),
        "score": 0.4,
        "known_claims": 2,
    }
    text = to_text(_with_claims(_claim(farms, 0.9), _match(farms, "Bankers sold the farms")))
    assert "check first: 1 check-worthy sentence\n" in text
    assert f"› “{farms}” 0.90 (restates 1 known claim)" in text
    overview = section(to_html(_with_claims(_claim(farms, 0.9))), "summary")
    assert 'href="#task-claims"' in overview and escape(farms, quote=False) in overview
    assert 'id="task-claims"' in to_html(_with_claims(_claim(farms, 0.9)))


def test_no_check_first_line_when_the_claims_detector_did_not_run() -> None:
    s = summarize(analysis())
    assert s.check_worthy is None and s.check_first == ()
    assert s.to_dict()["check_worthy_count"] is None
    assert "check first" not in to_text(analysis())
    assert 'data-fact="check-first"' not in to_html(analysis())
    none_found = summarize(_with_claims())
    assert none_found.check_worthy == 0 and "check first: 0 check-worthy sentences" in to_text(_with_claims())
