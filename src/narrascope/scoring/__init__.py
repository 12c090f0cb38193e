"""Official scorers: ``evaluate(task, gold, pred)`` over files, and pure functions over in-memory data.

Each task module documents which official scorer it follows and which of its quirks it keeps.
"""

from __future__ import annotations

from narrascope.scoring._common import ArticleRows, Keyed, MismatchError, ScoreReport
from narrascope.scoring._evaluate import TASKS, evaluate
from narrascope.scoring.checkthat import read_checkthat_gold, read_checkthat_pred, score_checkthat
from narrascope.scoring.semeval2020 import merge_overlapping, read_si, read_tc, score_si, score_tc
from narrascope.scoring.semeval2023 import (
    read_2023_st1,
    read_2023_st2,
    read_2023_st3,
    score_2023_st1,
    score_2023_st2,
    score_2023_st3,
)
from narrascope.scoring.semeval2025 import (
    Narratives,
    Roles,
    per_document_f1,
    read_2025_st1,
    read_2025_st2,
    score_2025_st1,
    score_2025_st2,
)
from narrascope.scoring.spans import read_spans, score_spans

# Short aliases named after the task ids.
score_st1 = score_2023_st1
score_st2 = score_2023_st2
score_st3 = score_2023_st3

__all__ = [
    "TASKS",
    "ArticleRows",
    "Keyed",
    "MismatchError",
    "Narratives",
    "Roles",
    "ScoreReport",
    "evaluate",
    "merge_overlapping",
    "per_document_f1",
    "read_2023_st1",
    "read_2023_st2",
    "read_2023_st3",
    "read_2025_st1",
    "read_2025_st2",
    "read_checkthat_gold",
    "read_checkthat_pred",
    "read_si",
    "read_spans",
    "read_tc",
    "score_2023_st1",
    "score_2023_st2",
    "score_2023_st3",
    "score_2025_st1",
    "score_2025_st2",
    "score_checkthat",
    "score_si",
    "score_spans",
    "score_st1",
    "score_st2",
    "score_st3",
    "score_tc",
]
