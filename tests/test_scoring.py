"""Official scorers: hand-computed cases over tiny files written here (our own ids, offsets and labels)."""

from __future__ import annotations

from pathlib import Path

import pytest

import narrascope.scoring as scoring
from narrascope.scoring import (
    TASKS,
    MismatchError,
    Narratives,
    Roles,
    ScoreReport,
    evaluate,
    merge_overlapping,
    score_2023_st3,
    score_2025_st2,
    score_si,
    score_spans,
)
from narrascope.types import InputError

CC = "CC: Criticism of climate movement"
CC_SUB = "CC: Criticism of climate movement: Ad hominem attacks on key activists"
CC2 = "CC: Downplaying climate change"
CC2_SUB = "CC: Downplaying climate change: Climate cycles are natural"


def files(tmp_path: Path, gold: str, pred: str) -> tuple[Path, Path]:
    g, p = tmp_path / "gold.txt", tmp_path / "pred.txt"
    g.write_text(gold, encoding="utf-8")
    p.write_text(pred, encoding="utf-8")
    return g, p


def check_report(report: ScoreReport) -> None:
    assert report.metrics[report.name] == report.official
    assert report.name in report.lines[-1]


# ----------------------------------------------------------------------------------------------- API


def test_tasks_and_public_names() -> None:
    assert TASKS == (
        "checkthat2024-t1",
        "semeval2020-si",
        "semeval2020-tc",
        "semeval2023-st1",
        "semeval2023-st2",
        "semeval2023-st3",
        "semeval2025-st1",
        "semeval2025-st2",
        "spans",
    )
    assert len(set(scoring.__all__)) == len(scoring.__all__)
    assert all(hasattr(scoring, name) for name in scoring.__all__)
    public = {n for n in vars(scoring) if n.startswith(("score_", "read_"))}
    assert public <= set(scoring.__all__)


def test_unknown_task_is_rejected(tmp_path: Path) -> None:
    g, p = files(tmp_path, "", "")
    with pytest.raises(ValueError, match="unknown task"):
        evaluate("semeval2099-st9", g, p)


def test_unreadable_file_names_the_file(tmp_path: Path) -> None:
    g, _ = files(tmp_path, "a\topinion\n", "a\topinion\n")
    with pytest.raises(InputError) as e:
        evaluate("semeval2023-st1", g, tmp_path / "missing.txt")
    assert e.value.source.endswith("missing.txt")


# --------------------------------------------------------------------------------------- 2020 SI


def test_si_reproduces_the_official_worked_example(tmp_path: Path) -> None:
    # The example of the official README (tools/data/article736757214.task-SI.labels and
    # submission-task-SI.tsv, run with -m), whose output is
    # Precision=1.929825/2=0.964912 Recall=1.947458/4=0.486864 F1=0.647181
    gold = (
        "736757214\t0\t59\n736757214\t171\t181\n736757214\t0\t9\n736757214\t115\t167\n736757214\t740\t759\n"
    )
    pred = "736757214\t0\t50\n736757214\t161\t172\n736757214\t0\t10\n736757214\t115\t167\n"
    r = evaluate("semeval2020-si", *files(tmp_path, gold, pred))
    assert round(r.metrics["precision"], 6) == 0.964912
    assert round(r.metrics["recall"], 6) == 0.486864
    assert round(r.official, 6) == 0.647181
    assert r.lines[0] == "Precision=1.929825/2=0.964912\tRecall=1.947458/4=0.486864"
    assert r.lines[-1] == "F1=0.647181"
    check_report(r)


def test_si_merges_overlapping_gold_spans_but_not_touching_ones() -> None:
    assert merge_overlapping([(0, 10), (20, 30), (5, 25)]) == [(0, 30)]
    assert sorted(merge_overlapping([(0, 5), (5, 9)])) == [(0, 5), (5, 9)]
    # gold [0,10) and [5,15) merge into [0,15): one gold span, fully found
    r = score_si({"a": [(0, 10), (5, 15)]}, {"a": [(0, 15)]})
    assert (r.metrics["precision"], r.metrics["recall"], r.official) == (1.0, 1.0, 1.0)
    # touching gold spans stay two: finding one of them is recall 1/2
    r = score_si({"a": [(0, 5), (5, 10)]}, {"a": [(0, 5)]})
    assert r.metrics["recall"] == 0.5
    assert r.official == pytest.approx(2 / 3)


def test_si_recall_counts_gold_articles_without_predictions() -> None:
    r = score_si({"a": [(0, 10)], "b": [(0, 10)]}, {"a": [(0, 10)]})
    assert r.metrics["recall"] == 0.5
    assert r.metrics["precision"] == 1.0


def test_si_overlapping_predictions_rejected_without_merge() -> None:
    with pytest.raises(MismatchError):
        score_si({"a": [(0, 10)]}, {"a": [(0, 6), (4, 10)]}, merge_pred=False)
    merged = score_si({"a": [(0, 10)]}, {"a": [(0, 6), (4, 10)]})
    assert merged.official == 1.0


def test_si_empty_predictions_score_zero(tmp_path: Path) -> None:
    r = evaluate("semeval2020-si", *files(tmp_path, "1\t0\t4\n", ""))
    assert (r.metrics["precision"], r.metrics["recall"], r.official) == (0.0, 0.0, 0.0)


def test_si_unknown_article_rejected_naming_pred_line(tmp_path: Path) -> None:
    g, p = files(tmp_path, "1\t0\t4\n", "1\t0\t4\n2\t0\t4\n")
    with pytest.raises(InputError) as e:
        evaluate("semeval2020-si", g, p)
    assert e.value.source == str(p)
    assert "line 2" in e.value.problem


@pytest.mark.parametrize(
    ("row", "problem"), [("1\t4\t4\n", "greater than start"), ("1\t0\n", "3 TAB"), ("1\tx\t4\n", "integer")]
)
def test_si_malformed_rows_rejected(tmp_path: Path, row: str, problem: str) -> None:
    g, p = files(tmp_path, "1\t0\t4\n", "1\t0\t4\n" + row)
    with pytest.raises(InputError, match=problem) as e:
        evaluate("semeval2020-si", g, p)
    assert e.value.problem.startswith("line 2")


def test_si_gold_folder_knows_articles_without_spans(tmp_path: Path) -> None:
    folder = tmp_path / "gold"
    folder.mkdir()
    (folder / "article1.task-si.labels").write_text("1\t0\t10\n", encoding="utf-8")
    (folder / "article2.task-si.labels").write_text("", encoding="utf-8")
    pred = tmp_path / "pred.txt"
    pred.write_text("1\t0\t10\n2\t0\t10\n", encoding="utf-8")
    r = evaluate("semeval2020-si", folder, pred)
    assert r.metrics["precision"] == 0.5
    assert r.metrics["recall"] == 1.0


# --------------------------------------------------------------------------------------- 2020 TC


def test_tc_micro_f1_and_multi_label_span_in_any_order(tmp_path: Path) -> None:
    gold = "1\tLoaded_Language\t10\t20\n1\tRepetition\t10\t20\n1\tDoubt\t30\t40\n2\tSlogans\t0\t5\n"
    pred = "1\tRepetition\t10\t20\n1\tLoaded_Language\t10\t20\n1\tDoubt\t30\t40\n2\tDoubt\t0\t5\n"
    r = evaluate("semeval2020-tc", *files(tmp_path, gold, pred))
    assert r.official == 0.75
    assert r.metrics["F1_Loaded_Language"] == 1.0
    assert r.metrics["F1_Doubt"] == pytest.approx(2 / 3)  # tp 1, fp 1
    assert r.metrics["F1_Slogans"] == 0.0
    assert r.lines[-1] == "micro-F1=0.750000"
    check_report(r)


def test_tc_pairs_articles_in_each_files_order(tmp_path: Path) -> None:
    # Quirk of the official scorer: labels are concatenated article by article in each file's own order.
    gold = "1\tLoaded_Language\t0\t5\n2\tDoubt\t0\t5\n"
    pred = "2\tDoubt\t0\t5\n1\tLoaded_Language\t0\t5\n"
    assert evaluate("semeval2020-tc", *files(tmp_path, gold, pred)).official == 0.0
    pred_same_order = "1\tLoaded_Language\t0\t5\n2\tDoubt\t0\t5\n"
    assert evaluate("semeval2020-tc", *files(tmp_path, gold, pred_same_order)).official == 1.0


def test_tc_rejects_different_spans_and_unknown_techniques(tmp_path: Path) -> None:
    gold = "1\tDoubt\t0\t5\n"
    with pytest.raises(InputError, match="span"):
        evaluate("semeval2020-tc", *files(tmp_path, gold, "1\tDoubt\t0\t6\n"))
    with pytest.raises(InputError, match="14 SemEval-2020") as e:
        evaluate("semeval2020-tc", *files(tmp_path, gold, "1\tStraw_Man\t0\t5\n"))
    assert e.value.problem.startswith("line 1")


# ------------------------------------------------------------------------------------- 2023 st1


def test_2023_st1_macro_over_labels_present(tmp_path: Path) -> None:
    gold = "a\topinion\nb\treporting\nc\topinion\nd\tsatire\n"
    pred = "a\topinion\nb\topinion\nc\topinion\nd\tsatire\n"
    r = evaluate("semeval2023-st1", *files(tmp_path, gold, pred))
    # opinion F1 = 2*2/(4+1) = 0.8, reporting 0, satire 1
    assert r.official == pytest.approx(0.6)
    assert r.metrics["micro-F1"] == 0.75
    assert r.lines[-1] == "macro-F1=0.60000"
    # quirk: with no satire anywhere, the macro average runs over two classes, not three
    r = evaluate(
        "semeval2023-st1", *files(tmp_path, "a\topinion\nb\treporting\n", "a\topinion\nb\topinion\n")
    )
    assert r.official == pytest.approx((2 / 3 + 0) / 2)


def test_2023_st1_rejects_bad_predictions(tmp_path: Path) -> None:
    gold = "a\topinion\nb\treporting\n"
    with pytest.raises(InputError, match="not valid"):
        evaluate("semeval2023-st1", *files(tmp_path, gold, "a\topinion\nb\tnews\n"))
    with pytest.raises(InputError, match="number of predictions"):
        evaluate("semeval2023-st1", *files(tmp_path, gold, "a\topinion\n"))
    with pytest.raises(InputError, match="not in the gold") as e:
        evaluate("semeval2023-st1", *files(tmp_path, gold, "a\topinion\nc\topinion\n"))
    assert e.value.problem.startswith("line 2")
    with pytest.raises(InputError, match="2 TAB"):
        evaluate("semeval2023-st1", *files(tmp_path, gold, "a\topinion\textra\nb\topinion\n"))


# ------------------------------------------------------------------------------------- 2023 st2


def test_2023_st2_micro_drops_unknown_gold_labels(tmp_path: Path) -> None:
    gold = "a\tEconomic,Morality\nb\t\nc\tPolitical,NotAFrame\n"
    pred = "a\tEconomic\nb\tPolitical\nc\tPolitical\n"
    r = evaluate("semeval2023-st2", *files(tmp_path, gold, pred))
    # tp 2 (a Economic, c Political), fp 1 (b Political), fn 1 (a Morality); NotAFrame dropped
    assert r.official == pytest.approx(4 / 6)
    # macro over the 14 frames, zero_division=1: Economic 1, Morality 0, Political 2/3, 11 others 1
    assert r.metrics["macro-F1"] == pytest.approx((1 + 0 + 2 / 3 + 11) / 14)
    check_report(r)


def test_2023_st2_tab_at_end_of_file_is_an_empty_label(tmp_path: Path) -> None:
    # "b<TAB>" on the last line with no newline reads as the label "" (official reader), which is invalid
    with pytest.raises(InputError, match="not valid"):
        evaluate("semeval2023-st2", *files(tmp_path, "a\tEconomic\nb\t\n", "a\tEconomic\nb\t"))
    assert (
        evaluate("semeval2023-st2", *files(tmp_path, "a\tEconomic\nb\t\n", "a\tEconomic\nb\t\n")).official
        == 1.0
    )


# ------------------------------------------------------------------------------------- 2023 st3


def test_2023_st3_micro_over_paragraphs(tmp_path: Path) -> None:
    gold = "1\t1\t\n1\t3\tDoubt\n1\t5\tAppeal_to_Authority,Doubt\n"
    pred = "1\t1\tDoubt\n1\t3\tDoubt\n1\t5\tAppeal_to_Authority\n"
    r = evaluate("semeval2023-st3", *files(tmp_path, gold, pred))
    assert r.official == pytest.approx(4 / 6)  # tp 2, fp 1, fn 1
    assert r.lines[-1].startswith("micro-F1=0.66667")


def test_2023_st3_missing_paragraph_rejected(tmp_path: Path) -> None:
    gold = "1\t1\t\n1\t3\tDoubt\n"
    g, p = files(tmp_path, gold, "1\t1\t\n")
    with pytest.raises(InputError, match="number of predictions") as e:
        evaluate("semeval2023-st3", g, p)
    assert e.value.source == str(p)


def test_2023_st3_all_empty_is_one_and_keys_may_be_ints() -> None:
    assert (
        score_2023_st3({("1", 1): set(), ("1", 2): set()}, {("1", 1): set(), ("1", 2): set()}).official == 1.0
    )
    r = score_2023_st3({("1", 1): {"Doubt"}}, {("1", 1): {"Doubt", "Slogans"}})
    assert r.official == pytest.approx(2 / 3)
    with pytest.raises(MismatchError):
        score_2023_st3({("1", 1): {"Doubt"}}, {("1", 1): {"Not_A_Technique"}})


# ------------------------------------------------------------------------------------- 2025 st1

ST1_GOLD = (
    "article_id\tentity_mention\tstart_offset\tend_offset\tmain_role\tfine_grained_roles\n"
    "X_1.txt\tAlpha\t0\t4\tAntagonist\tDeceiver\tCorrupt\n"
    'X_1.txt\t"Beta"\t10\t13\tProtagonist\tGuardian\n'
    "X_2.txt\tGamma\t5\t9\tInnocent\tVictim\n"
)


def test_2025_st1_emr_micro_and_main_accuracy(tmp_path: Path) -> None:
    pred = (
        "X_1.txt\tAlpha\t0\t4\tAntagonist\tCorrupt\tDeceiver\n"  # same set, other order: exact match
        "X_1.txt\tBeta\t10\t13\tAntagonist\tGuardian\tSpy\n"  # quotes stripped from the gold key
        "X_2.txt\tGamma\t5\t9\tInnocent\tVictim\n"
    )
    r = evaluate("semeval2025-st1", *files(tmp_path, ST1_GOLD, pred))
    assert r.official == pytest.approx(2 / 3)
    # fine roles: tp 4, fp 1 (Spy), fn 0
    assert r.metrics["micro-precision"] == pytest.approx(4 / 5)
    assert r.metrics["micro-recall"] == 1.0
    assert r.metrics["micro-F1"] == pytest.approx(8 / 9)
    assert r.metrics["main-role accuracy"] == pytest.approx(2 / 3)
    assert r.lines[-1] == "EMR=0.6667"


def test_2025_st1_pairs_by_position_apart_from_emr(tmp_path: Path) -> None:
    # The same, correct predictions in another order: EMR (keyed) stays 1, the positional figures drop.
    pred = (
        "X_2.txt\tGamma\t5\t9\tInnocent\tVictim\n"
        "X_1.txt\tAlpha\t0\t4\tAntagonist\tDeceiver\tCorrupt\n"
        "X_1.txt\tBeta\t10\t13\tProtagonist\tGuardian\n"
    )
    r = evaluate("semeval2025-st1", *files(tmp_path, ST1_GOLD, pred))
    assert r.official == 1.0
    assert r.metrics["main-role accuracy"] == 0.0
    assert r.metrics["micro-F1"] == 0.0


def test_2025_st1_rejects(tmp_path: Path) -> None:
    ok = "X_1.txt\tAlpha\t0\t4\tAntagonist\tDeceiver\nX_1.txt\tBeta\t10\t13\tProtagonist\tGuardian\n"
    gold = "X_1.txt\tAlpha\t0\t4\tAntagonist\tDeceiver\nX_1.txt\tBeta\t10\t13\tProtagonist\tGuardian\n"
    assert evaluate("semeval2025-st1", *files(tmp_path, gold, ok)).official == 1.0
    with pytest.raises(InputError, match="invalid fine-grained role 'Hero'") as e:
        evaluate("semeval2025-st1", *files(tmp_path, gold, ok.replace("Guardian", "Hero")))
    assert e.value.problem.startswith("line 2")
    with pytest.raises(InputError, match="invalid main role"):
        evaluate("semeval2025-st1", *files(tmp_path, gold, ok.replace("Protagonist", "Villain")))
    with pytest.raises(InputError, match="gold has 2 entries"):
        evaluate("semeval2025-st1", *files(tmp_path, gold, ok.splitlines()[0] + "\n"))
    with pytest.raises(InputError, match="duplicate key"):
        evaluate("semeval2025-st1", *files(tmp_path, gold, ok + ok.splitlines()[0] + "\n"))
    with pytest.raises(InputError, match="extra entry"):
        evaluate("semeval2025-st1", *files(tmp_path, gold, ok.replace("\t10\t13", "\t10\t14")))


# ------------------------------------------------------------------------------------- 2025 st2


def test_2025_st2_samples_f1_coarse_and_fine(tmp_path: Path) -> None:
    gold = f"d1.txt\t{CC};{CC2}\t{CC_SUB};{CC2_SUB}\nd2.txt\tOther\tOther\nd3.txt\t{CC}\t{CC_SUB}\n"
    pred = f"d1.txt\t{CC}\t{CC_SUB}\nd2.txt\tOther\tOther\nd3.txt\t{CC2}\t{CC2_SUB}\n"
    r = evaluate("semeval2025-st2", *files(tmp_path, gold, pred))
    # per document: d1 2*1/(2+0+1) = 2/3, d2 1, d3 0, for both levels
    scores = [2 / 3, 1.0, 0.0]
    mean = sum(scores) / 3
    sd = (sum((s - mean) ** 2 for s in scores) / 3) ** 0.5
    assert r.official == pytest.approx(mean)
    assert r.metrics["F1@coarse"] == pytest.approx(mean)
    assert r.metrics["F1@fine sd"] == pytest.approx(sd)
    assert r.name == "F1@fine"
    assert r.lines == [f"F1@coarse: {mean:.3f} ({sd:.3f})", f"F1@fine: {mean:.3f} ({sd:.3f})"]


def test_2025_st2_empty_vs_empty_is_zero_and_unknown_labels_dropped() -> None:
    empty = Narratives(("",), ("",))
    assert score_2025_st2({"d": empty}, {"d": empty}).official == 0.0
    gold = {"d": Narratives((CC,), (CC_SUB,))}
    pred = {"d": Narratives((CC, "CC: Not a narrative"), (CC_SUB, f"{CC}: Not a subnarrative"))}
    r = score_2025_st2(gold, pred)
    assert r.official == 1.0
    assert r.metrics["F1@coarse"] == 1.0


def test_2025_st2_rejects_id_mismatch_and_short_rows(tmp_path: Path) -> None:
    gold = "d1.txt\tOther\tOther\nd2.txt\tOther\tOther\n"
    with pytest.raises(InputError, match=r"d3\.txt") as e:
        evaluate("semeval2025-st2", *files(tmp_path, gold, "d1.txt\tOther\tOther\nd3.txt\tOther\tOther\n"))
    assert e.value.problem.startswith("line 2")
    with pytest.raises(InputError, match="3 TAB"):
        evaluate("semeval2025-st2", *files(tmp_path, gold, "d1.txt\tOther\tOther\n\nd2.txt\tOther\tOther\n"))


# ------------------------------------------------------------------------------------------ spans


def test_spans_only_same_technique_counts(tmp_path: Path) -> None:
    gold = "a\tDoubt\t0\t10\na\tLoaded_Language\t20\t30\n"
    pred = "a\tDoubt\t5\t15\na\tSlogans\t20\t30\nb\tDoubt\t0\t4\n"
    r = evaluate("spans", *files(tmp_path, gold, pred))
    # only pred Doubt[5,15) meets gold Doubt[0,10): overlap 5 -> P = (5/10)/3, R = (5/10)/2
    p, rec = 0.5 / 3, 0.5 / 2
    assert r.metrics["precision"] == pytest.approx(p)
    assert r.metrics["recall"] == pytest.approx(rec)
    assert r.official == pytest.approx(2 * p * rec / (p + rec))
    assert r.metrics["F1_Loaded_Language"] == 0.0
    assert r.metrics["precision_Doubt"] == pytest.approx(0.5 / 2)
    check_report(r)


def test_spans_merge_same_technique_and_edge_cases(tmp_path: Path) -> None:
    # two overlapping predicted Doubt spans merge into [0,10): a perfect match
    assert score_spans({"a": [("Doubt", 0, 10)]}, {"a": [("Doubt", 0, 6), ("Doubt", 4, 10)]}).official == 1.0
    assert score_spans({}, {}).official == 1.0
    assert score_spans({"a": [("Doubt", 0, 10)]}, {}).official == 0.0
    with pytest.raises(InputError, match="23 techniques"):
        evaluate("spans", *files(tmp_path, "a\tDoubt\t0\t10\n", "a\tPropaganda\t0\t10\n"))
    with pytest.raises(InputError, match="start < end"):
        evaluate("spans", *files(tmp_path, "a\tDoubt\t0\t10\n", "a\tDoubt\t10\t10\n"))


def test_2025_st1_pure_function_takes_roles() -> None:
    gold = {("f", "A", "0", "1"): Roles("Innocent", ("Victim",))}
    assert (
        scoring.score_2025_st1(gold, {("f", "A", "0", "1"): Roles("Innocent", ("Victim",))}).official == 1.0
    )


def test_2025_st1_single_role_overall_scores_as_scikit_learn_does() -> None:
    # Only one fine role in both files: scikit-learn sees a binary column and micro figures become accuracy.
    gold = {("f", "A", "0", "1"): Roles("Innocent", ("Victim",)), ("f", "B", "2", "3"): Roles("Innocent", ())}
    pred = {
        ("f", "A", "0", "1"): Roles("Innocent", ("Victim",)),
        ("f", "B", "2", "3"): Roles("Innocent", ("Victim",)),
    }
    r = scoring.score_2025_st1(gold, pred)
    assert r.metrics["micro-precision"] == r.metrics["micro-recall"] == r.metrics["micro-F1"] == 0.5
    assert r.official == 0.5


def test_missing_prediction_names_the_gold_line(tmp_path: Path) -> None:
    g, p = files(tmp_path, "a\tEconomic\nb\tMorality\n", "a\tEconomic\nc\tMorality\n")
    with pytest.raises(InputError) as e:
        evaluate("semeval2023-st2", g, p)
    assert e.value.source == str(p)
    assert e.value.problem.startswith("line 2")
