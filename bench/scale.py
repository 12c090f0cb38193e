"""Ray throughput: full analysis (articles/s) with 1 and 2 Ray workers on the same articles.

Usage: python bench/scale.py [--data ../shared/datasets] [--n 128] [--detectors genre,frames] [--cpus 2]
Starts a local Ray cluster of --cpus CPUs, runs the same articles through ``analyze_blocks`` with 1 and then
2 workers (one encoder thread each; each run loads its actors' models, included in the time), and prints
articles/s and the speed-up. Articles: English SemEval-2023 training articles when present (never committed),
else copies of the bundled example. Report the load average beside the figures: the cores may be shared.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import ray

from narrascope.scale import RayOptions, analyze_blocks, length_blocks
from speed import load_articles  # bench/ sibling script

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timing:
    rows: int
    seconds: float  # all of it, actor start and model load included
    steady_rows: int  # rows after the first result came back
    steady_seconds: float

    @property
    def steady_rate(self) -> float:
        return self.steady_rows / self.steady_seconds if self.steady_seconds > 0 else 0.0


def timed(blocks: list[pa.Table], detectors: list[str], workers: int, batch: int) -> Timing:
    options = RayOptions(workers=workers, batch_size=batch)
    t0 = time.perf_counter()
    first, rows, first_rows = 0.0, 0, 0
    for table in analyze_blocks(blocks, detectors, options, workers):
        rows += table.num_rows
        if not first:
            first, first_rows = time.perf_counter(), rows
    end = time.perf_counter()
    return Timing(rows, end - t0, rows - first_rows, end - first)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--n", type=int, default=128)
    ap.add_argument("--lang", default="en")
    ap.add_argument("--detectors", default="genre,frames")
    ap.add_argument("--cpus", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
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
        rates, steady = {}, {}
        for workers in (1, 2):
            t = timed(blocks, detectors, workers, args.batch)
            rates[workers], steady[workers] = t.rows / t.seconds, t.steady_rate
            load = os.getloadavg()[0]
            print(
                f"{workers} worker(s): {t.rows} articles in {t.seconds:.1f} s, {rates[workers]:.2f} "
                f"articles/s; after the first result {steady[workers]:.2f} articles/s (load now {load:.2f})"
            )
        print(
            f"speed-up 2 workers / 1 worker: {rates[2] / rates[1]:.2f}x overall, "
            f"{steady[2] / steady[1]:.2f}x after the first result (target >= 1.7x)"
        )
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
