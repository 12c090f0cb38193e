"""Ray throughput: full analysis (articles/s) with 1 and 2 Ray workers on the same articles.

Usage: python bench/scale.py [--data ../shared/datasets] [--n 120] [--detectors genre,frames] [--cpus 2]
Starts a local Ray cluster of --cpus CPUs, runs the same articles through ``analyze_blocks`` with 1 and then
2 workers (one encoder thread each; each run loads its actors' models, included in the time), and prints
articles/s and the speed-up. Articles: English SemEval-2023 training articles when present (never committed),
else copies of the bundled example. Report the load average beside the figures: the cores may be shared.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pyarrow as pa
import ray

from narrascope.scale import RayOptions, analyze_blocks, length_blocks
from speed import load_articles  # type: ignore[import-not-found]  # bench/ sibling script

ROOT = Path(__file__).resolve().parents[1]


def timed(blocks: list[pa.Table], detectors: list[str], workers: int, batch: int) -> tuple[float, int]:
    options = RayOptions(workers=workers, batch_size=batch)
    t0 = time.perf_counter()
    rows = sum(t.num_rows for t in analyze_blocks(blocks, detectors, options, workers))
    return time.perf_counter() - t0, rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--n", type=int, default=120)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--detectors", default="genre,frames")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    detectors = args.detectors.split(",")
    articles = load_articles(args.data, args.n, args.lang)
    blocks = length_blocks(articles, args.batch)
    ray.init(num_cpus=args.cpus, include_dashboard=False, log_to_driver=False)
    try:
        print(
            f"articles: {len(articles)} ({args.lang}), detectors: {args.detectors}, Ray CPUs: {args.cpus}, "
            f"load average before: {os.getloadavg()[0]:.2f}"
        )
        rates = {}
        for workers in (1, 2):
            seconds, rows = timed(blocks, detectors, workers, args.batch)
            rates[workers] = rows / seconds
            print(
                f"{workers} worker(s): {rows} articles in {seconds:.1f} s = {rates[workers]:.2f} articles/s "
                f"(load average now {os.getloadavg()[0]:.2f})"
            )
        print(f"speed-up 2 workers / 1 worker: {rates[2] / rates[1]:.2f}x (target >= 1.7x)")
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
