"""Report render time: how fast the self-contained HTML report of a ~5,000-character article renders in
chromium (target < 1 s), and that it stays one file that fetches nothing.

Usage: python bench/report_render.py [--n 10] [--detectors a,b|loadable]
Analyses the two bundled examples joined (about 5,400 characters), writes the report, then opens it from disk
``--n`` times in Debian's chromium (Playwright, /usr/bin/chromium) and reads the Navigation Timing of each
load: ``domContentLoaded`` (the page and its inline script ran) and ``load`` (laid out and painted). Prints
one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests._browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.test_browser import loadable_detectors  # noqa: E402


def article_text() -> str:
    interview = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
    wire = (ROOT / "examples" / "wire.txt").read_text(encoding="utf-8")
    return interview.rstrip("\n") + "\n\n" + wire


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10)
    parser.add_argument("--detectors", default="loadable")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from narrascope import Analyzer
    from narrascope.ingest import article_from_text
    from narrascope.report import to_html

    detectors = loadable_detectors() if args.detectors == "loadable" else args.detectors.split(",")
    text = article_text()
    analysis = Analyzer(detectors=detectors).analyze(article_from_text(text, "five-thousand"))
    started = time.perf_counter()
    html = to_html(analysis)
    render_ms = (time.perf_counter() - started) * 1000
    path = Path(tempfile.mkdtemp()) / "report.html"
    path.write_text(html, encoding="utf-8")
    loads, ready, fetched = [], [], set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for _ in range(args.n):
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.on("request", lambda r: fetched.add(r.url))
            page.goto(path.as_uri(), wait_until="load")
            timing = page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])")
            nav = json.loads(timing)
            ready.append(nav["domContentLoadedEventEnd"])
            loads.append(nav["loadEventEnd"])
            page.close()
        browser.close()
    print(
        json.dumps(
            {
                "characters": len(text),
                "detectors": detectors,
                "marks": html.count("<mark "),
                "html_bytes": len(html.encode("utf-8")),
                "python_render_ms": round(render_ms, 1),
                "dom_content_loaded_ms_median": round(statistics.median(ready), 1),
                "load_ms_median": round(statistics.median(loads), 1),
                "load_ms_max": round(max(loads), 1),
                "requests_other_than_the_file": sorted(fetched - {path.as_uri()}),
                "external_urls_in_file": html.count("http://") + html.count("https://"),
                "runs": args.n,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
