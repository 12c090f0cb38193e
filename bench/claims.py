"""The claims detector: time added on top of the shared encoder pass, its validation figures, and how it does
on a small sample of sentences we wrote and translated ourselves.

Usage: python bench/claims.py [--data ../shared/datasets] [--n 100] [--known FILE] [--known-limit N]
    [--skip speed quality languages]

Speed: the English SemEval-2023 subtask-3 articles when the corpora are present (never committed), else
copies of the bundled example; the ``multi`` sentence vectors (the pass every built-in detector reads) are
computed first, then only the detector is timed, scaled to an average article of 4,000 characters. With
``--known`` (default: the EUvsDisinfo export when present) the time with known-claim matching is printed
too. Quality: the figures recorded in the committed model's manifest by
``narrascope train claims --data ../shared/datasets``. Languages: ``bench/data/claims_translated.tsv`` (16
sentences in en fr de es ru, labels ours): F1 of the positive class and mean score per language.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from pathlib import Path

import numpy as np

from narrascope import Article
from narrascope.analyze.claims import ClaimsDetector, KnownClaims, claims_v1
from narrascope.analyze.doclabels import model_dir
from narrascope.analyze.heads import read_manifest
from narrascope.encode import get_encoder
from narrascope.extract import prepare
from narrascope.pipeline import Analyzer

ROOT = Path(__file__).resolve().parents[1]
REFERENCE_CHARS = 4000
SAMPLE = ROOT / "bench" / "data" / "claims_translated.tsv"


def articles(data: Path, n: int) -> list[Article]:
    folder = data / "semeval2023_task3" / "en" / "train-articles-subtask-3"
    paths = sorted(folder.glob("*.txt"))[:n] if folder.is_dir() else []
    if paths:
        return [Article(text=p.read_text(encoding="utf-8"), id=p.stem, lang="en") for p in paths]
    text = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
    return [Article(text=text, id=str(i), lang="en") for i in range(n)]


def time_detector(detector: ClaimsDetector, items: list[Article]) -> tuple[float, float]:
    """(mean ms per article, the same scaled to 4,000 characters), the shared vectors computed first."""
    docs = [prepare(a) for a in items]
    feats = Analyzer(detectors=[]).features(docs)
    for f in feats:
        f.get(detector.head.space)
    detector.detect_batch(docs[:1], feats[:1])  # warm-up
    per_doc = []
    for doc, f in zip(docs, feats, strict=True):
        t0 = time.perf_counter()
        detector.detect_batch([doc], [f])
        per_doc.append(time.perf_counter() - t0)
    mean_ms = 1000 * statistics.mean(per_doc)
    return mean_ms, mean_ms * REFERENCE_CHARS / statistics.mean(len(a.text) for a in items)


def speed(data: Path, n: int, known: Path | None, known_limit: int | None) -> None:
    items = articles(data, n)
    chars = statistics.mean(len(a.text) for a in items)
    print(f"articles: {len(items)} English, mean {chars:,.0f} characters")
    mean_ms, scaled = time_detector(claims_v1(), items)
    print(
        f"claims detector per article: {mean_ms:.2f} ms; per 4,000 characters {scaled:.2f} ms (target <= 5)"
    )
    if known is not None and known.is_file():
        t0 = time.perf_counter()
        from narrascope.knownclaims import read_claims

        index = KnownClaims.from_claims(read_claims(known)[:known_limit])
        load_s = time.perf_counter() - t0
        mean_ms, scaled = time_detector(claims_v1(index), items)
        print(
            f"with {len(index.claims):,} known claims ({known.name}, encoded once in {load_s:.1f} s): "
            f"{mean_ms:.2f} ms per article; per 4,000 characters {scaled:.2f} ms"
        )


def quality() -> None:
    manifest = read_manifest(model_dir("claims"))
    v = manifest["validation"]
    print(f"\nvalidation ({manifest['validation_split']})")
    print(
        f"held-out blocks F1: {', '.join(f'{x:.3f}' for x in v['blocks_f1'])}; "
        f"mean {v['blocks_f1_mean']:.4f} "
        f"sd {v['blocks_f1_sd']:.4f}; always Yes {v['blocks_always_yes_f1_mean']:.4f}; "
        f"calibration error {v['blocks_calibration_error']:.4f}"
    )
    d = v["dev"]
    print(
        f"dev F1 {d['F1']:.4f} (P {d['precision']:.4f}, R {d['recall']:.4f}) at the threshold "
        f"{manifest.get('threshold', '')}; F1 at 0.5 {d['F1_at_0.5']:.4f}; "
        f"always Yes {d['always_yes_F1']:.4f}; "
        f"calibration error {d['calibration_error']:.4f}"
    )
    print("reproduce: narrascope train claims --data ../shared/datasets --out DIR")


def languages() -> None:
    with SAMPLE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))
    detector = claims_v1()
    gold = np.array([r["label"] == "Yes" for r in rows])
    print(f"\ntranslated sample ({SAMPLE.name}: {len(rows)} sentences per language, labels ours)")
    print(f"{'language':<9}{'F1':>7}{'mean score Yes':>16}{'mean score No':>15}")
    for lang in ("en", "fr", "de", "es", "ru"):
        texts = [r[lang] for r in rows]
        scores = detector.score_texts(texts, get_encoder(detector.head.space).encode(texts))
        pred = scores >= detector.threshold
        tp = int((pred & gold).sum())
        f1 = 2 * tp / (pred.sum() + gold.sum()) if pred.sum() + gold.sum() else 0.0
        print(f"{lang:<9}{f1:>7.3f}{scores[gold].mean():>16.3f}{scores[~gold].mean():>15.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--known", type=Path, help="a known-claims file to time matching against")
    ap.add_argument("--known-limit", type=int, help="only the first N known claims (encoding them is slow)")
    ap.add_argument("--skip", nargs="*", default=[], choices=("speed", "quality", "languages"))
    args = ap.parse_args()
    known = args.known or args.data / "euvsdisinfo_cknabs_2021" / "posts.csv"
    if "speed" not in args.skip:
        speed(args.data, args.n, known, args.known_limit)
    if "quality" not in args.skip:
        quality()
    if "languages" not in args.skip:
        languages()


if __name__ == "__main__":
    main()
