"""Speed and memory of `analyze`: articles/s, latency p50/p95 and peak memory over N articles.

Usage: python bench/speed.py [--data ../shared/datasets] [--n 200] [--lang en|mixed] [--detectors LIST]
Articles are the SemEval-2023 training articles of --lang (``mixed``: en fr ge it po ru interleaved) when
the corpora are present (never committed), else copies of the bundled example. A bare encoder pass over
the same sentences (and the reader's pass over the same articles, when a detector reads it) is timed for
the ratio.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

from narrascope import Analyzer, Article
from narrascope.encode.base import get_encoder
from narrascope.extract import prepare
from narrascope.pipeline import READER_SPACE
from narrascope.reader import get_reader

ROOT = Path(__file__).resolve().parents[1]


MIXED = ("en", "fr", "ge", "it", "po", "ru")


def load_articles(data: Path, n: int, lang: str) -> list[Article]:
    """``n`` articles of ``lang`` (a SemEval-2023 folder name), or of every language in turn for ``mixed``."""
    if lang == "mixed":
        per_lang = [load_articles(data, -(-n // len(MIXED)), code) for code in MIXED]
        return [a for group in zip(*per_lang, strict=False) for a in group][:n]
    folder = data / "semeval2023_task3" / lang / "train-articles-subtask-3"
    if folder.is_dir():
        paths = sorted(folder.glob("*.txt"))[:n]
        return [Article(text=p.read_text(encoding="utf-8"), id=p.stem) for p in paths]
    text = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
    return [Article(text=text + f"\n\n(copy {i})", id=str(i)) for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--detectors", default="genre,frames")
    args = ap.parse_args()
    articles = load_articles(args.data, args.n, args.lang)
    analyzer = Analyzer(detectors=args.detectors.split(","))
    analyzer.analyze(Article(text="Warm-up sentence. Another one."))  # load models outside the timing
    latencies = []
    for a in articles[:20]:
        t0 = time.perf_counter()
        analyzer.analyze(a)
        latencies.append(time.perf_counter() - t0)
    analyzer = Analyzer(detectors=args.detectors.split(","), batch_size=32)
    t0 = time.perf_counter()
    n_ok = sum(o.analysis is not None for o in analyzer.run(articles))
    elapsed = time.perf_counter() - t0
    chars = sum(len(a.text) for a in articles) / len(articles)
    spaces = sorted({s for d in analyzer.loaded_detectors for s in d.requires})
    sentences = [s for a in articles for s in prepare(a).sentence_texts()]
    t1 = time.perf_counter()
    for space in spaces:
        if space == READER_SPACE:  # the reader's one pass over each whole article
            reader = get_reader()
            for a in articles:
                reader.read(a.text)
        else:
            get_encoder(space).encode(sentences)
    bare = time.perf_counter() - t1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles: {n_ok} ({args.lang}, mean {chars:,.0f} chars), detectors: {args.detectors}")
    print(f"throughput: {n_ok / elapsed:.2f} articles/s (batch 32)")
    print(
        f"latency one article: p50 {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {sorted(latencies)[int(0.95 * (len(latencies) - 1))] * 1000:.0f} ms"
    )
    print(
        f"bare encoder pass ({', '.join(spaces)}): {bare:.2f} s; pipeline/encoder ratio {elapsed / bare:.2f}"
    )
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
