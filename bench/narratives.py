"""Narratives: detector cost on top of the encoder, and validation figures per language with the baseline.

    python bench/narratives.py --data ../shared/datasets            # speed + by-id validation
    python bench/narratives.py --data ../shared/datasets --lolo     # + leave-one-language-out
    python bench/narratives.py --speed-only

Validation retrains the recipe on the training part of the by-id split (top 25% of ids per language held
out) and scores the held-out part with the samples-F1 of the official subtask-2 scorer; "all Other" is the
baseline of labelling every document ``Other``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from narrascope.analyze.narratives import narratives_v1
from narrascope.extract import prepare
from narrascope.pipeline import Analyzer
from narrascope.types import Article

ROOT = Path(__file__).resolve().parents[1]
# An English article of about 4,000 characters, written for this benchmark.
PARAGRAPH = (
    "Officials in several European capitals met on Tuesday to discuss energy prices and support for Ukraine. "
    "Some ministers argued that sanctions were hurting their own industries more than Russia's. Others said "
    "the alliance had to stay united whatever the cost. Analysts warned that a long war could drain budgets "
    "and that farmers and factories were already paying the price. "
)


def english_articles(data: Path | None, n: int) -> list[Article]:
    if data is not None and (data / "semeval2025_task10").is_dir():
        from narrascope.datasets.semeval2025 import load_narratives

        return [d.article for d in load_narratives(data, langs=["EN"])[:n]]
    text = (PARAGRAPH * 11)[:4000]
    return [Article(text=text + f" Update {k}.", lang="en") for k in range(n)]


def speed(data: Path | None, n: int = 40) -> None:
    articles = english_articles(data, n)
    docs = [prepare(a) for a in articles]
    analyzer = Analyzer(detectors=())
    feats = analyzer.features(docs)
    t0 = time.perf_counter()
    for f in feats:
        f.get("multi")
    encode_ms = 1000 * (time.perf_counter() - t0) / len(docs)
    det = narratives_v1()
    det.detect_batch(docs[:1], feats[:1])  # load and warm up
    t0 = time.perf_counter()
    for doc, f in zip(docs, feats, strict=True):
        det.detect_batch([doc], [f])
    detect_ms = 1000 * (time.perf_counter() - t0) / len(docs)
    chars = sum(len(a.text) for a in articles) / len(articles)
    print("| articles | mean chars | encoder ms/article | narratives ms/article (target <= 30) |")
    print("|---|---|---|---|")
    print(f"| {len(docs)} | {chars:.0f} | {encode_ms:.1f} | {detect_ms:.2f} |")


def table(title: str, rows: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}\n")
    print("| language | docs | coarse | fine | all-Other coarse | all-Other fine |")
    print("|---|---|---|---|---|---|")
    for lang, r in rows.items():
        print(
            f"| {lang} | {int(r['n'])} | {r['coarse']:.3f} | {r['fine']:.3f} | {r['other_coarse']:.3f} | "
            f"{r['other_fine']:.3f} |"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--lolo", action="store_true", help="also leave-one-language-out")
    ap.add_argument("--speed-only", action="store_true")
    args = ap.parse_args()
    data = args.data if args.data.is_dir() else None
    speed(data)
    if args.speed_only or data is None:
        return 0
    from narrascope.train.narratives import train_narratives

    report = train_narratives(data, None, lolo=args.lolo, log=lambda s: print(s, file=sys.stderr))
    table(
        f"By-id validation ({report.n_train} train / {report.n_val} held-out documents), samples-F1",
        report.validation,
    )
    if report.lolo:
        table("Leave one language out (trained on the other four), samples-F1", report.lolo)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
