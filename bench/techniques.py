"""The techniques detector: time added on top of the encoder, and its validation figures.

Usage: python bench/techniques.py [--data ../shared/datasets] [--n 100] [--detector techniques-en]

Speed: the English SemEval-2023 subtask-3 articles when the corpora are present (never committed), else copies
of the bundled example; the sentence embeddings are computed first (the shared encoder pass every detector
reads), then only the detector is timed; the figure is scaled to an average article of 4,000 characters.
Quality: the by-id validation figures recorded in the committed model's manifest by the training command
that reproduces them (``narrascope train techniques --data ../shared/datasets``), beside the baseline
(Loaded_Language on every paragraph).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from narrascope import Article
from narrascope.analyze.base import get_detector
from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.heads import read_manifest
from narrascope.extract import prepare
from narrascope.pipeline import Analyzer

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_CHARS = 4000


def load_articles(data: Path, n: int) -> list[Article]:
    folder = data / "semeval2023_task3" / "en" / "train-articles-subtask-3"
    if folder.is_dir():
        paths = sorted(folder.glob("*.txt"))[:n]
        return [Article(text=p.read_text(encoding="utf-8"), id=p.stem, lang="en") for p in paths]
    text = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
    return [Article(text=text, id=str(i), lang="en") for i in range(n)]


def speed(articles: list[Article], name: str) -> None:
    detector = get_detector(name)
    analyzer = Analyzer(detectors=(name,))
    docs = [prepare(a) for a in articles]
    feats = analyzer.features(docs)
    t0 = time.perf_counter()
    for f in feats:
        for space in detector.requires:
            f.get(space)
    encode_s = time.perf_counter() - t0
    detector.detect_batch(docs[:1], feats[:1])  # warm-up
    per_doc = []
    for doc, f in zip(docs, feats, strict=True):
        t1 = time.perf_counter()
        detector.detect_batch([doc], [f])
        per_doc.append(time.perf_counter() - t1)
    chars = statistics.mean(len(a.text) for a in articles)
    scale = REFERENCE_CHARS / chars
    print(f"articles: {len(articles)} English, mean {chars:,.0f} characters")
    print(f"encoder ({', '.join(detector.requires)}) per article: {1000 * encode_s / len(docs):.1f} ms")
    print(
        f"detector per article: mean {1000 * statistics.mean(per_doc):.2f} ms, "
        f"p95 {1000 * sorted(per_doc)[int(0.95 * (len(per_doc) - 1))]:.2f} ms"
    )
    print(
        f"detector per {REFERENCE_CHARS:,}-character article: "
        f"{1000 * statistics.mean(per_doc) * scale:.2f} ms "
        "(target <= 50 ms)"
    )


def quality(name: str) -> None:
    manifest = read_manifest(model_dir(name))
    print(
        f"\nvalidation ({manifest.get('validation_split', '')}; {manifest.get('n_train')} train / "
        f"{manifest.get('n_val')} validation articles)"
    )
    print(f"{'language':<9}{'articles':>9}{'st3 F1':>9}{'baseline':>10}{'span F1':>9}{'baseline':>10}")
    for lang, fig in manifest.get("validation", {}).items():
        print(
            f"{lang:<9}{fig['n_docs']:>9}{fig['st3']:>9.4f}{fig['st3_baseline']:>10.4f}"
            f"{fig['spans']:>9.4f}{fig['spans_baseline']:>10.4f}"
        )
    print(f"reproduce: narrascope train {name} --data ../shared/datasets --out DIR")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument(
        "--detector",
        default="techniques",
        choices=("techniques", "techniques-en"),
        help="techniques-en: the fine-tuned English mode (its own encoder runs inside the detector's time)",
    )
    args = ap.parse_args()
    speed(load_articles(args.data, args.n), args.detector)
    quality(args.detector)


if __name__ == "__main__":
    main()
