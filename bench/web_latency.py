"""Web latency: submit-to-rendered time in a real browser, and the API round trip, p50/p95 (target < 1 s).

Usage: python bench/web_latency.py [--data ../shared/datasets] [--n 20] [--detectors a,b|loadable]
Starts `narrascope serve` on a free loopback port, drives Debian's chromium (/usr/bin/chromium) through
Playwright: open the analyse page, paste an article, submit, wait until the side panel is shown. Articles
are English SemEval-2023 articles of about average length when the corpora are present (read, never
committed), else the bundled example with every sentence made unique (so no feature cache helps).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# the tests' server helpers: one way to start the server
from tests._browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests._serve import get_json, serving  # noqa: E402
from tests.test_browser import loadable_detectors  # noqa: E402


def load_texts(data: Path, n: int) -> list[str]:
    folder = data / "semeval2023_task3" / "en" / "train-articles-subtask-3"
    if folder.is_dir():
        texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
        texts = [t for t in texts if 2_500 <= len(t) <= 6_000]  # around the average news article
        if len(texts) >= n:
            return texts[:n]
    example = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
    return [example.replace(". ", f" (run {i}). ") for i in range(n)]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def api_round_trips(url: str, texts: list[str]) -> list[float]:
    times = []
    for text in texts:
        body = json.dumps({"text": text}).encode("utf-8")
        request = urllib.request.Request(url + "/api/analyze", body, {"content-type": "application/json"})
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as r:  # loopback only
            r.read()
        times.append(time.perf_counter() - start)
    return times


def browser_renders(url: str, texts: list[str]) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1360, "height": 900})
        for text in texts:
            page.goto(url + "/")
            page.fill("#input-text", text)
            start = time.perf_counter()
            page.click("#submit")
            page.wait_for_selector("#panel", state="visible", timeout=60_000)
            times.append(time.perf_counter() - start)
        browser.close()
    return times


def report(name: str, times: list[float]) -> None:
    print(
        f"{name}: n={len(times)} p50={statistics.median(times) * 1000:.0f} ms "
        f"p95={pct(times, 0.95) * 1000:.0f} ms max={max(times) * 1000:.0f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets")
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument(
        "--detectors",
        default="loadable",
        help="comma-separated, or 'loadable' (every one whose model is present)",
    )
    args = ap.parse_args()
    detectors = loadable_detectors() if args.detectors == "loadable" else args.detectors.split(",")
    texts = load_texts(args.data, 2 * args.n + 1)
    with serving(detectors, None) as url:
        running = get_json(url + "/api/detectors")["detectors"]
        print("detectors:", ", ".join(f"{d['name']} ({d['model_version']})" for d in running) or "none")
        mean_chars = statistics.mean(len(t) for t in texts)
        print(f"articles: {len(texts) - 1}, mean {mean_chars:,.0f} characters")
        api_round_trips(url, texts[:1])  # warm-up: models load on first use
        report("api round trip", api_round_trips(url, texts[1 : args.n + 1]))
        report("browser submit-to-rendered", browser_renders(url, texts[args.n + 1 :]))


if __name__ == "__main__":
    main()
