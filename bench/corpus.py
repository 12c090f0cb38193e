"""Corpus run at scale: assemble N articles with outlets and dates, analyse them into DuckDB, report figures.

Usage: python bench/corpus.py [--n 10000] [--data ../shared/datasets] [--detectors genre,frames]
                              [--out /tmp/narrascope-bench] [--report]

Texts are the SemEval-2023 Task 3 training articles of every language (never committed), cycled with
synthetic outlet and date metadata (12 outlets over 26 weeks); each cycled copy gets a one-line suffix so
content hashes differ. The corpus is written to JSONL by a generator and analysed as a stream, so memory
stays bounded whatever N is. Prints articles/s, peak RSS and store size (and report time with --report).
``--detectors encode`` runs a bench-only detector that reads the shared MiniLM encoder pass and finds
nothing: the cost of one encoder pass plus the store, for when no trained head is installed.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

from narrascope.analyze.base import Features, register
from narrascope.types import DetectorResult, Document, Finding

ROOT = Path(__file__).resolve().parents[1]
OUTLETS = [f"outlet-{c}" for c in "abcdefghijkl"]


class _EncodeOnly:
    name, task, model_version, requires = "encode.v1", "encode", "bench", ("minilm",)

    def detect_batch(self, docs: Sequence[Document], feats: Sequence[Features]) -> list[DetectorResult]:
        out = []
        for f in feats:
            n = len(f.get("minilm"))
            out.append(DetectorResult(self.name, self.model_version, (Finding("sentences", float(n)),)))
        return out


register("encode.v1")(_EncodeOnly)


def source_texts(data: Path) -> list[Path]:
    paths = sorted((data / "semeval2023_task3").glob("*/train-articles-subtask-3/*.txt"))
    if not paths:
        raise SystemExit(f"no SemEval-2023 Task 3 articles under {data}")
    return paths


def records(paths: list[Path], n: int) -> Iterator[dict[str, str]]:
    start = date(2024, 1, 1)
    for i in range(n):
        path = paths[i % len(paths)]
        text = path.read_text(encoding="utf-8")
        if i >= len(paths):
            text += f"\n\n(Republished, copy {i // len(paths)}.)"
        day = start + timedelta(days=(i * 7919) % 182)
        yield {"id": f"{path.parent.parent.name}-{path.stem}-{i}", "outlet": OUTLETS[(i * 31) % len(OUTLETS)],
               "published": day.isoformat(), "url": f"https://example.invalid/{i}", "text": text}  # fmt: skip


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Resident memory now (Linux), for the trace that shows memory is bounded, not only its peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return peak_rss_mb()


class RssTrace:
    """Samples resident memory every ``every`` seconds in a thread while a run goes on."""

    def __init__(self, every: float = 5.0) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, args=(every,), daemon=True)

    def _loop(self, every: float) -> None:
        while not self._stop.wait(every):
            self.samples.append(rss_mb())

    def __enter__(self) -> RssTrace:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def line(self) -> str:
        if not self.samples:
            return "RSS trace: run too short to sample"
        n = len(self.samples)
        marks = ", ".join(f"{q}% {self.samples[min(n - 1, q * n // 100)]:.0f}" for q in (10, 25, 50, 75, 100))
        return f"RSS over the run (MB at % of run time): {marks}"


def shoot(page_file: Path, out: Path, chromium: str = "/usr/bin/chromium") -> None:
    """Open the report in a real browser (Playwright driving Debian's chromium) and save the top of it."""
    from playwright.sync_api import sync_playwright

    out.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(page_file.resolve().as_uri())
            page.screenshot(path=str(out), full_page=False)
        finally:
            browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--detectors", default="genre,frames")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "narrascope-bench")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument(
        "--report", action="store_true", help="also time the corpus report (near-duplicates incl.)"
    )
    ap.add_argument(
        "--screenshot",
        type=Path,
        help="with --report: save a screenshot of the report opened in Debian's chromium (for the README)",
    )
    args = ap.parse_args()

    from narrascope.corpus import analyze_corpus, write_report

    args.out.mkdir(parents=True, exist_ok=True)
    src, db = args.out / f"corpus-{args.n}.jsonl", args.out / f"corpus-{args.n}.duckdb"
    db.unlink(missing_ok=True)
    db.with_suffix(".duckdb.wal").unlink(missing_ok=True)
    with src.open("w", encoding="utf-8") as f:
        for rec in records(source_texts(args.data), args.n):
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    rss_before = peak_rss_mb()
    with RssTrace() as trace:
        s = analyze_corpus([src], db, detectors=args.detectors.split(","), batch_size=args.batch_size)
    size = db.stat().st_size / 2**20
    print(f"articles: {s.analyzed} analysed, {s.errors} failed, in {s.seconds:.1f} s")
    print(f"rate: {s.rate:.2f} articles/s  (detectors {args.detectors}, batch {args.batch_size})")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (before the run: {rss_before:.0f} MB)")
    print(trace.line())
    print(f"store: {size:.1f} MB ({size * 1024 / max(s.analyzed, 1):.1f} KB per article)")
    if args.report:
        t = time.monotonic()
        out = write_report(db, args.out / f"corpus-{args.n}.html")
        print(f"report: {out} in {time.monotonic() - t:.1f} s; peak RSS now {peak_rss_mb():.0f} MB")
        if args.screenshot:
            shoot(out, args.screenshot)
            print(f"screenshot: {args.screenshot}")


if __name__ == "__main__":
    main()
