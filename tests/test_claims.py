"""The claims detector: claim spans, known-claims files (good and bad), the CheckThat! 2024 reader, scorer and
submission format, calibration helpers, the detector on written articles and its HTML. Every text and claim
here is written for the test (no corpus excerpt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from narrascope.analyze.claims import LABEL, MATCH_LABEL, KnownClaims, claim_span, claims_v1
from narrascope.cli import main
from narrascope.knownclaims import Claim, read_claims
from narrascope.scoring import evaluate, score_checkthat
from narrascope.types import Article, InputError, Span

ARTICLE = (
    "Thank you all for coming tonight.\n\n"
    "Unemployment in our state has doubled since 2019, to 9.4 percent, the highest rate in the country. "
    "The governor cut school funding by 300 million dollars last year. "
    "Well, I think we can do better.\n\n"
    "Let me be clear about that."
)
CHECKTHAT_TSV = (
    "Sentence_id\tText\tclass_label\n"
    "1\tThank you very much.\tNo\n"
    "2\tThe deficit tripled in four years, to 1.2 trillion dollars.\tYes\n"
    '3\t"Crime in this city fell by 20 percent last year."\tYes\n'
    "4\tI am glad to be here.\tNo\n"
    "5\tWe sold 40 percent of our wheat to China in 2015.\tYes\n"
    "6\tLet me answer that.\tNo\n"
)


# ------------------------------------------------------------------------------------------ claim spans


def test_claim_span_trims_quotes_and_one_filler() -> None:
    text = 'He said: "Well, taxes rose by 40 percent in 2020."  '
    sentence = Span(9, len(text))
    span = claim_span(text, sentence)
    assert span.text_of(text) == "taxes rose by 40 percent in 2020."
    short = "And so."
    assert claim_span(short, Span(0, len(short))).text_of(short) == "And so."  # too short to cut


@given(st.text(alphabet=st.sampled_from(list(" \"'“”aAnd,wel. xz\n")), max_size=40), st.data())
def test_claim_span_stays_inside_its_sentence(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    span = claim_span(text, Span(start, end))
    assert start <= span.start <= span.end <= end
    assert span.end > span.start or start == end or text[start:end].strip(" \"'“”\n") == ""


# ---------------------------------------------------------------------------------------- claims files


def test_claims_file_layouts(tmp_path: Path) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "claim,date,url\nThe bridge was sold to a foreign bank,2022-05-01,https://x.example/b\n,,\n"
    )
    (c,) = read_claims(plain)
    assert (c.claim, c.date, c.url) == (
        "The bridge was sold to a foreign bank",
        "2022-05-01",
        "https://x.example/b",
    )
    assert c.id and c.id == read_claims(plain)[0].id  # a stable id from the claim's text
    with_id = tmp_path / "id.csv"
    with_id.write_text("id,claim\nk1,The river was poisoned on purpose\n")
    assert read_claims(with_id) == [Claim("k1", "The river was poisoned on purpose")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"text,when\nThe sky is green,2020\n", "needs the columns"),
        (b"claim,date\nThe sky is green,2020\n\xff\xfe broken\n", "not UTF-8"),
        (b"", "needs the columns"),
    ],
)
def test_bad_claims_files_name_the_file(tmp_path: Path, content: bytes, problem: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as err:
        read_claims(path)
    assert err.value.source == str(path)


def test_claims_file_limits(tmp_path: Path) -> None:
    many = tmp_path / "many.csv"
    many.write_text("claim\n" + "".join(f"Claim number {i} is false\n" for i in range(20)))
    with pytest.raises(InputError, match="more than 10 claims"):
        read_claims(many, max_claims=10)
    with pytest.raises(InputError, match="over the limit"):
        read_claims(many, max_bytes=100)
    huge = tmp_path / "huge.csv"
    huge.write_text("claim\n" + "x" * 200_000 + "\n")
    with pytest.raises(InputError, match="line 2"):
        read_claims(huge)
    with pytest.raises(InputError, match="cannot read"):
        read_claims(tmp_path / "missing.csv")


# ------------------------------------------------------------------------------- CheckThat! 2024 files


def test_checkthat_scorer_counts() -> None:
    gold = {"1": "Yes", "2": "Yes", "3": "No", "4": "No", "5": "Yes"}
    pred = {"1": "Yes", "2": "No", "3": "Yes", "4": "No", "5": "Yes"}
    report = score_checkthat(gold, pred)
    # tp 2, fp 1, fn 1: precision 2/3, recall 2/3, F1 2/3; accuracy 3/5
    assert report.official == pytest.approx(2 / 3)
    assert report.metrics["accuracy"] == pytest.approx(0.6)
    assert report.lines[-1].startswith("F1=")
    assert score_checkthat(gold, dict.fromkeys(gold, "No")).official == 0.0


def test_checkthat_files_round_trip_and_mismatch(tmp_path: Path) -> None:
    gold = tmp_path / "gold.tsv"
    gold.write_text(CHECKTHAT_TSV)
    pred = tmp_path / "pred.tsv"
    pred.write_text(
        "id\tclass_label\trun_id\n1\tNo\tr\n2\tYes\tr\n3\tYes\tr\n4\tNo\tr\n5\tNo\tr\n6\tYes\tr\n"
    )
    report = evaluate("checkthat2024-t1", gold, pred)
    assert report.official == pytest.approx(2 * 2 / (2 * 2 + 1 + 1))
    short = tmp_path / "short.tsv"
    short.write_text("id\tclass_label\n1\tNo\n2\tYes\n")
    with pytest.raises(InputError, match="no prediction"):
        evaluate("checkthat2024-t1", gold, short)
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tclass_label\n1\tMaybe\n")
    with pytest.raises(InputError, match="line 2"):
        evaluate("checkthat2024-t1", gold, bad)


def test_predict_and_evaluate_checkthat_cli(tmp_path: Path) -> None:
    data = tmp_path / "test.tsv"
    data.write_text(CHECKTHAT_TSV)
    out = tmp_path / "pred.tsv"
    runner = CliRunner()
    result = runner.invoke(main, ["predict", "checkthat2024-t1", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0] == "id\tclass_label\trun_id"
    rows = dict(line.split("\t")[:2] for line in lines[1:])
    assert list(rows) == ["1", "2", "3", "4", "5", "6"]
    assert rows["2"] == rows["5"] == "Yes" and rows["1"] == rows["4"] == "No"
    result = runner.invoke(main, ["evaluate", "checkthat2024-t1", "--gold", str(data), "--pred", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1].startswith("F1=")


# ---------------------------------------------------------------------------------- calibration helpers


def test_platt_threshold_and_calibration_error() -> None:
    from narrascope.train.claims import best_threshold, block_of, calibration_error, platt

    rng = np.random.default_rng(0)
    logits = rng.normal(0, 2, 20_000)
    y = rng.random(20_000) < 1 / (1 + np.exp(-(0.5 * logits - 1.0)))
    a, b = platt(logits, y)
    assert a == pytest.approx(0.5, abs=0.05) and b == pytest.approx(-1.0, abs=0.08)
    p = 1 / (1 + np.exp(-(a * logits + b)))
    assert calibration_error(p, y) < 0.02
    assert calibration_error(np.clip(p + 0.3, 0, 1), y) > 0.2  # a shifted score is badly calibrated
    assert 0.05 <= best_threshold(p, y) <= 0.95
    assert block_of(["10", "9", "11", "1"], 2).tolist() == [1, 0, 1, 0]


# ------------------------------------------------------------------------------------------ the detector


@pytest.fixture(scope="module")
def analyze_with():  # type: ignore[no-untyped-def]
    from narrascope import Analyzer

    def run(article: Article, known: KnownClaims | None = None):  # type: ignore[no-untyped-def]
        return Analyzer(detectors=[claims_v1(known)]).analyze(article)

    return run


def test_detector_scores_claims_above_courtesies(analyze_with) -> None:  # type: ignore[no-untyped-def]
    analysis = analyze_with(Article(text=ARTICLE, id="speech"))
    result = analysis.result("claims")
    assert result is not None and result.detector == "claims.v1"
    found = [ARTICLE[f.start : f.end] for f in result.findings if f.label == LABEL]
    assert any("Unemployment" in s for s in found) and any("school funding" in s for s in found)
    assert not any("Thank you" in s or "Let me be clear" in s for s in found)
    assert all(f.attr("language_note") == "" for f in result.findings)  # English: inside training
    detector = claims_v1()
    scores = detector.sentence_scores(analysis.document, _feats(analysis.document))
    assert len(scores) == len(analysis.document.sentences) and ((scores >= 0) & (scores <= 1)).all()


def _feats(doc):  # type: ignore[no-untyped-def]
    from narrascope import Analyzer

    return Analyzer(detectors=[]).features([doc])[0]


def test_other_languages_are_labelled_outside_training(analyze_with) -> None:  # type: ignore[no-untyped-def]
    text = "Le chômage a doublé depuis 2019 et atteint 9,4 pour cent, le taux le plus élevé du pays."
    result = analyze_with(Article(text=text, id="fr")).result("claims")
    assert result is not None
    for f in result.findings:
        assert "outside the training language" in f.attr("language_note")


def test_known_claims_are_listed_with_link_and_html(analyze_with, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from narrascope.report import to_html, to_json

    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim,date,url\n"
        "Unemployment in the state doubled since 2019 and is the highest in the country,2023-01-02,"
        "https://debunk.example/unemployment\n"
        "The governor cut school funding by 300 million,2023-02-03,javascript:alert(1)\n"
        "Penguins live in the Sahara desert,2023-03-04,https://debunk.example/penguins\n"
    )
    analysis = analyze_with(Article(text=ARTICLE, id="speech"), KnownClaims.from_file(claims))
    result = analysis.result("claims")
    assert result is not None
    matches = [f for f in result.findings if f.label == MATCH_LABEL]
    urls = {f.attr("url") for f in matches}
    assert "https://debunk.example/unemployment" in urls
    assert "https://debunk.example/penguins" not in urls
    for m in matches:  # each match sits on a check-worthy sentence's span
        assert any(f.label == LABEL and (f.start, f.end) == (m.start, m.end) for f in result.findings)
        assert 0.7 <= m.score <= 1.0
    page = to_html(analysis)
    assert 'class="claims"' in page and 'href="https://debunk.example/unemployment"' in page
    assert 'href="javascript' not in page
    assert '"known-claim"' in to_json(analysis)


def test_analyze_cli_with_claims_file(tmp_path: Path) -> None:
    article = tmp_path / "speech.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    claims = tmp_path / "claims.csv"
    claims.write_text("claim,date,url\nThe governor cut school funding by 300 million dollars,2023-01-01,\n")
    runner = CliRunner()
    result = runner.invoke(main, ["analyze", str(article), "--detectors", "genre", "--claims", str(claims)])
    assert result.exit_code == 0, result.output
    assert '"claims"' in result.output and "known-claim" in result.output
    broken = tmp_path / "broken.csv"
    broken.write_text("headline\nsomething\n")
    result = runner.invoke(main, ["analyze", str(article), "--claims", str(broken)])
    assert result.exit_code == 2 and "broken.csv" in result.output and "needs the columns" in result.output


def test_serve_matches_known_claims_in_every_analysis(tmp_path: Path) -> None:
    import asyncio

    import httpx

    from narrascope.web import create_app
    from narrascope.web._serve import ServeOptions

    claims = tmp_path / "claims.csv"
    claims.write_text(
        "claim,date,url\nThe governor cut school funding by 300 million dollars,2023-01-01,"
        "https://debunk.example/schools\n"
    )
    app = create_app(detectors=("genre",), claims=claims)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.post("/api/analyze", json={"text": ARTICLE})

    body = asyncio.run(go()).json()
    found = body["results"]["claims"]["findings"]  # added to the chosen detectors
    urls = {f["attrs"].get("url") for f in found if f["label"] == MATCH_LABEL}
    assert urls == {"https://debunk.example/schools"}
    options = ServeOptions(detectors=("genre",), claims=str(claims))
    assert ServeOptions.from_json(options.to_json()) == options


def test_serve_refuses_a_bad_claims_file_before_starting(tmp_path: Path) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_text("headline\nsomething\n")
    result = CliRunner().invoke(main, ["serve", "--claims", str(broken), "--port", "0"])
    assert result.exit_code == 2 and "broken.csv" in result.output and "needs the columns" in result.output
