"""Sentences per second and peak memory of each encoder feature space (batch 32).

    python bench/experiments/encoder_speed.py [--n 2000] [--space minilm --space multi] [--max-length 128]

Sentences are the non-empty lines of the SemEval 2020 task 11 articles when ``../shared/datasets`` is
there (never committed), else generated news-like sentences. Each space runs in its own process so the
peak RSS is its own. ``sent_per_s`` is wall-clock (run on an otherwise idle machine); ``sent_per_cpu_s``
is steadier on a shared one.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "datasets"
PTC = DATA / "semeval2020_task11_ptc" / "train-articles"
SUBJECTS = ["The minister", "Officials", "The opposition", "A spokesperson", "Critics", "The central bank"]
VERBS = ["said", "denied", "warned", "announced", "claimed", "insisted"]
OBJECTS = [
    "that the sanctions would hurt ordinary families",
    "new measures to fight inflation and corruption",
    "that foreign powers were behind the protests",
    "the report was a complete fabrication",
    "the election result on Tuesday after weeks of delays",
]


def sentences(n: int) -> list[str]:
    lines: list[str] = []
    if PTC.is_dir():
        for path in sorted(PTC.glob("*.txt")):
            lines += [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
            if len(lines) >= n:
                return lines[:n]
    rng = random.Random(0)
    while len(lines) < n:
        lines.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}.")
    return lines[:n]


def measure(space: str, n: int, max_length: int | None) -> dict[str, object]:
    from narrascope.encode import get_encoder
    from narrascope.encode.minilm import MiniLMEncoder

    texts = sentences(n)
    start = time.perf_counter()
    encoder = MiniLMEncoder(max_length=max_length) if max_length else get_encoder(space)
    load_s = time.perf_counter() - start
    encoder.encode(texts[:32])
    start, cpu = time.perf_counter(), time.process_time()
    encoder.encode(texts)  # the encoder sorts by length and runs batches of 32 itself
    wall = time.perf_counter() - start
    return {
        "space": space if not max_length else f"{space}@{max_length}",
        "version": encoder.version,
        "n": len(texts),
        "mean_chars": round(sum(map(len, texts)) / len(texts)),
        "sent_per_s": round(len(texts) / wall, 1),
        "sent_per_cpu_s": round(len(texts) / (time.process_time() - cpu), 1),
        "load_s": round(load_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--space", action="append", help="minilm, multi (default: both)")
    parser.add_argument("--max-length", type=int, help="MiniLM truncation length (default: manifest's)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    spaces = args.space or ["minilm", "multi"]
    if args.child:
        print(json.dumps(measure(spaces[0], args.n, args.max_length)))
        return 0
    for space in spaces:
        cmd = [sys.executable, __file__, "--child", "--space", space, "--n", str(args.n)]
        if args.max_length and space == "minilm":
            cmd += ["--max-length", str(args.max_length)]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        print(out.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
