"""Articles side by side: the comparison model, its HTML page and JSON twin, and `narrascope compare`."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrascope.cli import main
from narrascope.report import CompareError, compare, compare_html, compare_json
from narrascope.types import Analysis, Article, DetectorResult, Document, Finding, Span
from tests.conftest import EXAMPLE

EVIL = "<script>window.__pwned=1</script>"
WIRE = EXAMPLE.parent / "wire.txt"


def article(
    text: str, cast: list[tuple[str, str, str]], techniques: int, narrative: str, **meta: str
) -> Analysis:
    """An analysis of ``text``: entity mentions (name, the words in the text, main role), ``techniques``
    located findings, and one dominant narrative."""
    mentions = []
    for name, sub, role in cast:
        i = text.index(sub)
        attrs = (
            ("entity", name),
            ("fine_roles", "Victim" if role == "Innocent" else ""),
            ("main_role", role),
        )
        mentions.append(Finding(role, 0.7, i, i + len(sub), attrs=attrs))
    located = tuple(Finding("Loaded_Language", 0.5 + k / 100, k, k + 3) for k in range(techniques))
    sentence = Span(0, text.index(".") + 1)
    narr = Finding(narrative, 0.6, evidence=(sentence,), attrs=(("dominant", "true"), ("level", "narrative")))
    doc = Document(Article(text, **meta), "en", 1.0, (sentence,), (Span(0, len(text)),))
    return Analysis(
        doc,
        (
            DetectorResult("techniques.v2", "1", located),
            DetectorResult("narratives.v1", "1", (narr,)),
            DetectorResult("framing.v1", "1", tuple(mentions)),
        ),
    )


A_TEXT = "The Minister betrayed the farmers of the valley. Brussels stayed silent while the minister lied."
B_TEXT = "Farmers met the minister on Monday. The minister promised help, and Brussels sent an envoy."
C_TEXT = "Prices rose again in the valley. Nobody was blamed for it in the report."


def trio() -> list[Analysis]:
    a = article(
        A_TEXT,
        [("The Minister", "Minister", "Antagonist"), ("the minister", "minister lied", "Antagonist"),
         ("farmers", "farmers", "Innocent"), ("Brussels", "Brussels", "Antagonist")],
        6, "Blaming the government", id="a", title="Minister betrays farmers", outlet="Valley Voice",
    )  # fmt: skip
    b = article(
        B_TEXT,
        [("Farmers", "Farmers", "Innocent"), ("minister", "minister", "Protagonist"),
         ("Brussels", "Brussels", "Protagonist")],
        1, "Blaming the government", id="b", outlet="Wire",
    )  # fmt: skip
    c = article(C_TEXT, [], 0, "Other", id="c")
    return [a, b, c]


def test_compare_takes_two_to_four_articles() -> None:
    one = trio()[:1]
    with pytest.raises(CompareError, match="2 to 4"):
        compare(one)
    with pytest.raises(CompareError):
        compare(trio() + trio())
    assert len(compare(trio()[:2]).summaries) == 2


def test_shared_entities_are_aligned_on_one_row_first() -> None:
    c = compare(trio())
    names = [r.name for r in c.entities]
    # "The Minister"/"the minister"/"minister" are one entity; "farmers"/"Farmers" too
    assert names[:3] == ["The Minister", "Brussels", "farmers"] or names[:3] == [
        "The Minister",
        "farmers",
        "Brussels",
    ]
    minister = c.entities[0]
    assert minister.shared
    assert [m.role if m else None for m in minister.cells] == ["Antagonist", "Protagonist", None]
    assert minister.cells[0] is not None and minister.cells[0].mentions == 2  # two mentions in A
    assert all(r.shared for r in c.entities)  # the third article names no one


def test_density_and_narratives_line_up() -> None:
    c = compare(trio())
    total = next(r for r in c.groups if r.name == "all")
    words = [len(t.split()) for t in (A_TEXT, B_TEXT, C_TEXT)]
    assert [d.count for d in total.cells] == [6, 1, 0]
    assert total.cells[0].per_1000 == pytest.approx(6000 / words[0])
    blame = next(r for r in c.narratives if r.label == "Blaming the government")
    assert blame.scores == (0.6, 0.6, None) and blame.dominant == (True, True, False)
    assert c.narratives[0] is blame  # in most articles: first


def test_json_twin_has_the_same_rows() -> None:
    d = json.loads(compare_json(trio()))
    assert d["kind"] == "comparison" and len(d["articles"]) == 3
    assert d["articles"][0]["headline"] == "Minister betrays farmers"
    assert (
        d["articles"][1]["headline"]
        == "Farmers met the minister on Monday. The minister promised help, and Brussels sent an envoy."
    )
    assert d["entities"][0]["articles"][2] is None and d["entities"][0]["shared"] is True
    assert [g["name"] for g in d["technique_groups"]][-1] == "all"
    assert d == compare(trio()).to_dict()


def test_html_page_is_self_contained_has_no_script_and_aligns_rows() -> None:
    html = compare_html(trio())
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy is not None
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style is not None
    sha = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    csp = unescape(policy.group(1))
    assert f"style-src 'sha256-{sha}'" in csp and "script-src 'none'" in csp
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert not re.search(r"(src|href)=\"", html)
    entities = html[html.index('id="cmp-entities"') :]
    first = entities[entities.index("<tbody>") : entities.index("</tr>", entities.index("<tbody>"))]
    assert "The Minister" in first and first.count("<td") == 3 and 'class="shared"' in first
    assert html.count('<th scope="col"><span class="letter">') == 3 * 5  # 5 tables, 3 columns each


def test_hostile_names_stay_inert_in_the_compare_page() -> None:
    a = article(
        EVIL + " said the plan failed.", [(EVIL, "said", "Antagonist")], 1, EVIL, title=EVIL, outlet=EVIL
    )
    b = article("Nobody said anything. " + EVIL, [(EVIL, "said", "Innocent")], 0, "Other")
    html = compare_html([a, b])
    assert "<script>" not in html and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_cli_compare_html_and_json(tmp_path: Path) -> None:
    out = tmp_path / "compare.html"
    runner = CliRunner()
    result = runner.invoke(main, ["compare", str(EXAMPLE), str(WIRE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Comparison of 2 articles" in page
    assert "Sanctions debate returns as EU ministers meet in Brussels" in page
    result = runner.invoke(main, ["compare", str(EXAMPLE), str(WIRE), "--format", "json"])
    assert result.exit_code == 0
    d = json.loads(result.stdout)
    assert [a["id"] for a in d["articles"]] == ["interview", "wire"]
    assert any(r["shared"] for r in d["entities"])  # both articles name Russia, Ukraine...


def test_cli_compare_refuses_one_article() -> None:
    result = CliRunner().invoke(main, ["compare", str(EXAMPLE), "--detectors", "genre"])
    assert result.exit_code == 2 and "2 to 4" in result.stderr
