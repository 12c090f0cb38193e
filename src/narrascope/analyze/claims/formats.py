"""The official format written from the claims detector: CheckThat! 2024 Task 1, over a TSV of sentences
(not articles)."""

from __future__ import annotations

from pathlib import Path

from narrascope.analyze.base import MissingDetectorError
from narrascope.analyze.claims.detector import ClaimsDetector
from narrascope.analyze.spec import SentenceFormat
from narrascope.types import InputError


def write_checkthat(source: Path, out: Path, detector: str | None = None, chunk: int = 2000) -> int:
    """CheckThat! 2024 Task 1: read the official TSV (``Sentence_id``, ``Text``; other columns ignored) and
    write the official submission file: the header ``id<TAB>class_label<TAB>run_id``, then one row per
    sentence, ``Yes`` when its check-worthiness reaches the model's threshold. Returns the sentences
    written."""
    from narrascope.analyze.base import get_detector, resolve
    from narrascope.datasets.checkthat import read_tsv
    from narrascope.encode import get_encoder
    from narrascope.scoring.checkthat import PRED_HEADER

    if source.is_dir():
        raise InputError(str(source), "checkthat2024-t1 reads one TSV file (Sentence_id, Text), not a folder")
    model = get_detector(detector or "claims")
    if not isinstance(model, ClaimsDetector):
        raise MissingDetectorError(
            f"detector {detector!r} does not serve 'claims', which checkthat2024-t1 needs"
        )
    rows = read_tsv(source)
    encoder = get_encoder(model.head.space)
    run_id = resolve(detector or "claims")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        f.write(PRED_HEADER + "\n")
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            texts = [r.text for r in part]
            scores = model.score_texts(texts, encoder.encode(texts))
            for r, s in zip(part, scores, strict=True):
                f.write(f"{r.id}\t{'Yes' if s >= model.threshold else 'No'}\t{run_id}\n")
    return len(rows)


FORMATS = (SentenceFormat("checkthat2024-t1", write_checkthat),)
