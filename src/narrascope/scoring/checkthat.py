"""CheckThat! 2024 Task 1 (check-worthiness): F1 of the positive class ``Yes`` (official), with accuracy,
precision and recall of ``Yes`` beside it, as the organisers' ``scorer/task_1.py`` computes them with
scikit-learn (``pos_label="Yes"``, ``zero_division=0``).

Followed from the task's README: the gold file is the data TSV (``Sentence_id``, ``Text``, ``class_label``);
a prediction file has a header and rows ``id<TAB>class_label[<TAB>run_id]``; the scorer rejects a
prediction file whose ids are not exactly the gold ids, and a label other than ``Yes`` or ``No``.
"""

from __future__ import annotations

from collections.abc import Mapping

from narrascope.datasets.checkthat import LABELS, read_tsv
from narrascope.scoring._common import (
    Keyed,
    MismatchError,
    PathLike,
    ScoreReport,
    as_path,
    f1_from_counts,
    fail,
    ratio,
)
from narrascope.scoring._common import read_lines as _read_lines

POSITIVE = "Yes"
PRED_HEADER = "id\tclass_label\trun_id"


def read_checkthat_gold(path: PathLike) -> Keyed[str, str]:
    """Gold labels by sentence id from the data TSV (``Sentence_id``, ``Text``, ``class_label``)."""
    out: Keyed[str, str] = Keyed()
    for line_no, row in enumerate(read_tsv(as_path(path), labelled=True), start=2):
        out.put(row.id, row.label, line_no)
    return out


def read_checkthat_pred(path: PathLike) -> Keyed[str, str]:
    """Predicted labels by id: a header line, then ``id<TAB>class_label[<TAB>run_id]`` rows."""
    lines = _read_lines(path)
    out: Keyed[str, str] = Keyed()
    if not lines or lines[0].split("\t")[0].strip().lower() not in ("id", "tweet_id", "sentence_id"):
        raise fail(path, 1, f"expected the header {PRED_HEADER!r}")
    for line_no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cols = line.rstrip("\r\n").split("\t")
        if len(cols) not in (2, 3):
            raise fail(path, line_no, f"expected id<TAB>class_label[<TAB>run_id], found {len(cols)} columns")
        sid, label = cols[0].strip(), cols[1].strip()
        if label not in LABELS:
            raise fail(path, line_no, f"class_label must be Yes or No, found {label!r}")
        if sid in out.values:
            raise fail(path, line_no, f"duplicate id {sid!r}")
        out.put(sid, label, line_no)
    return out


def score_checkthat(gold: Mapping[str, str], pred: Mapping[str, str]) -> ScoreReport:
    """Positive-class F1 (official), accuracy, precision and recall, pairing gold and predictions by id."""
    if not gold:
        raise MismatchError("gold", "no rows: the official scorer computes nothing without gold rows")
    missing = [k for k in gold if k not in pred]
    extra = [k for k in pred if k not in gold]
    if missing or extra:
        key = (extra or missing)[0]
        raise MismatchError(
            "pred",
            f"{len(missing)} gold ids have no prediction and {len(extra)} predicted ids are not in the gold "
            f"file (first: {key!r})",
            key if extra else None,
        )
    tp = sum(gold[k] == POSITIVE and pred[k] == POSITIVE for k in gold)
    fp = sum(gold[k] != POSITIVE and pred[k] == POSITIVE for k in gold)
    fn = sum(gold[k] == POSITIVE and pred[k] != POSITIVE for k in gold)
    acc = sum(gold[k] == pred[k] for k in gold) / len(gold)
    precision, recall = ratio(tp, tp + fp, 0.0), ratio(tp, tp + fn, 0.0)
    f1 = f1_from_counts(tp, fp, fn, 0.0)
    metrics = {"accuracy": acc, "precision": precision, "recall": recall, "F1": f1}
    lines = [f"accuracy={acc:.4f}", f"precision={precision:.4f}", f"recall={recall:.4f}", f"F1={f1:.4f}"]
    return ScoreReport(f1, "F1", metrics, lines)
