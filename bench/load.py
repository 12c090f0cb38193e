"""Load test: N concurrent clients posting average articles to /api/analyze on a live `narrascope serve`.

Usage: python bench/load.py [--clients 8] [--duration 120] [--detectors genre,frames] [--url URL]
                            [--sample 5] [--cli-n 64] [--serve-args "--max-batch 16"] [--json FILE]

First measures the batch rate of the command line's code path (``Analyzer.run``, batches of 16, models
loaded first) on --cli-n articles made the same way as the clients' (skip with --cli-n 0). Then starts
`narrascope serve` on a free loopback port (or uses --url, loopback only), warms it up with one request,
and runs the clients for --duration seconds (a bounded run). Each request is the bundled example article
(~3,500 characters) with the words of every sentence shuffled by a seeded generator, so every request is
new text and no feature cache helps. Records errors (answers other than 200 and 503, exceptions), 503s
(the server shedding load), latency p50/p95/max, throughput against the batch rate, the server's batch
sizes (from /metrics), and its resident memory (VmRSS) every --sample seconds: the mean of the first
minute against the last (a third of the run each, for runs under 3 minutes), to show that memory stays
flat. Prints a table; --json writes the same figures. Exits 1 on any error other than a 503.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = (ROOT / "examples" / "interview.txt").read_text(encoding="utf-8")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # of the answered requests (200)
    errors: list[str] = field(default_factory=list)
    busy: int = 0  # 503: the queue was full
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, status: int | None, error: str | None) -> None:
        with self.lock:
            if status == 503:
                self.busy += 1
            elif error:
                self.errors.append(error)
            else:
                self.latencies.append(seconds)


@dataclass(frozen=True)
class Figures:
    clients: int
    duration_s: float
    detectors: str
    requests: int
    errors: int
    busy_503: int
    first_errors: list[str]
    rate_per_s: float
    cli_rate_per_s: float
    rate_vs_cli: float
    mean_batch: float
    p50_s: float
    p95_s: float
    max_s: float
    rss_mb_first: float
    rss_mb_last: float
    rss_mb_max: float
    rss_mb_first_window: float
    rss_mb_last_window: float
    rss_window_s: float
    rss_samples: list[float]
    load_average: tuple[float, float, float]


def variant(rng: random.Random) -> str:
    """The example article with the words of each sentence shuffled: same length, new sentences."""

    def shuffle(m: re.Match[str]) -> str:
        words = m.group().split()
        rng.shuffle(words)
        return " ".join(words)

    return "\n".join(_SENTENCE.sub(shuffle, line) for line in ARTICLE.split("\n"))


def post(url: str, text: str, token: str | None) -> tuple[int, str]:
    body = json.dumps({"text": text}).encode("utf-8")
    headers = {"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})}
    req = urllib.request.Request(url + "/api/analyze", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=300) as r:  # loopback only
            r.read()
            return r.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")[:200]


def client(url: str, seed: int, until: float, tally: Tally, token: str | None) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        text = variant(rng)
        started = time.monotonic()
        status: int | None = None
        try:
            status, detail = post(url, text, token)
            error = None if status == 200 else f"HTTP {status}: {detail}"
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"
        tally.add(time.monotonic() - started, status, error)
        if status == 503:
            time.sleep(0.05)  # a polite client backs off a little (the server said Retry-After: 1)


def cli_rate(detectors: str, n: int) -> float:
    """Articles a second of the command line's batch path (``Analyzer.run``, batches of 16), models
    loaded and warmed first, on ``n`` articles made like the clients' (other seeds)."""
    if n <= 0:
        return 0.0
    from narrascope import Analyzer
    from narrascope.ingest import article_from_text

    names = [d for d in detectors.split(",") if d]
    analyzer = Analyzer(detectors=names) if names else Analyzer()
    warm = [article_from_text(variant(random.Random(-2 - i))) for i in range(4)]
    list(analyzer.run(warm))
    articles = [article_from_text(variant(random.Random(10_000 + i))) for i in range(n)]
    started = time.monotonic()
    done = sum(o.analysis is not None for o in analyzer.run(articles))
    return done / (time.monotonic() - started)


def mean_batch(url: str, token: str | None) -> float:
    """Articles per batch over the run, from the server's /metrics."""
    headers = {"authorization": f"Bearer {token}"} if token else {}
    req = urllib.request.Request(url + "/metrics", headers=headers)
    with urllib.request.urlopen(req, timeout=30) as r:  # loopback only
        text = r.read().decode()
    found = dict(re.findall(r"^narrascope_batch_size_(sum|count) (\S+)$", text, re.MULTILINE))
    count = float(found.get("count", 0))
    return float(found.get("sum", 0)) / count if count else 0.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample_rss(pid: int | None, every: float, stop: threading.Event, out: list[float]) -> None:
    while pid is not None and not stop.is_set():
        out.append(round(rss_mb(pid), 1))
        stop.wait(every)


def start_server(detectors: str, extra: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    exe = Path(sys.executable).parent / "narrascope"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "narrascope.cli"]
    cmd += ["serve", "--port", str(port), *extra] + (["--detectors", detectors] if detectors else [])
    env = {k: v for k, v in os.environ.items() if k != "NARRASCOPE_TOKEN"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/ready", timeout=5):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise TimeoutError("server did not answer /api/health")


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(args: argparse.Namespace) -> Figures:
    batch_rate = cli_rate(args.detectors, args.cli_n)  # before the server starts: not sharing the cores
    extra = args.serve_args.split()
    proc, url = (None, args.url) if args.url else start_server(args.detectors, extra)
    token = os.environ.get("NARRASCOPE_TOKEN") if args.url else None
    try:
        status, detail = post(url, variant(random.Random(-1)), token)  # warm-up: loads the models
        if status != 200:
            raise RuntimeError(f"warm-up answered {status}: {detail}")
        tally, stop = Tally(), threading.Event()
        samples: list[float] = []
        pid = proc.pid if proc else None
        sampler = threading.Thread(target=sample_rss, args=(pid, args.sample, stop, samples))
        sampler.start()
        started = time.monotonic()
        until = started + args.duration
        workers = [
            threading.Thread(target=client, args=(url, i, until, tally, token)) for i in range(args.clients)
        ]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
        batch = mean_batch(url, token)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    return summarise(args, tally, samples, elapsed, (batch_rate, batch))


def window_means(samples: list[float], every: float, elapsed: float) -> tuple[float, float, float]:
    """Mean RSS of the first and of the last minute (a third of the run each when it is under 3 minutes)."""
    window = min(60.0, elapsed / 3)
    k = max(1, int(window / every))
    if not samples:
        return 0.0, 0.0, window
    return round(statistics.mean(samples[:k]), 1), round(statistics.mean(samples[-k:]), 1), round(window, 1)


def summarise(
    args: argparse.Namespace, tally: Tally, samples: list[float], elapsed: float, rates: tuple[float, float]
) -> Figures:
    lat = sorted(tally.latencies)
    rate = len(lat) / elapsed if elapsed else 0.0
    first, last, window = window_means(samples, args.sample, elapsed)
    return Figures(
        clients=args.clients,
        duration_s=round(elapsed, 1),
        detectors=args.detectors or "(server default)",
        requests=len(lat),
        errors=len(tally.errors),
        busy_503=tally.busy,
        first_errors=tally.errors[:5],
        rate_per_s=round(rate, 2),
        cli_rate_per_s=round(rates[0], 2),
        rate_vs_cli=round(rate / rates[0], 3) if rates[0] else 0.0,
        mean_batch=round(rates[1], 2),
        p50_s=round(percentile(lat, 50), 3),
        p95_s=round(percentile(lat, 95), 3),
        max_s=round(lat[-1], 3) if lat else 0.0,
        rss_mb_first=samples[0] if samples else 0.0,
        rss_mb_last=samples[-1] if samples else 0.0,
        rss_mb_max=max(samples) if samples else 0.0,
        rss_mb_first_window=first,
        rss_mb_last_window=last,
        rss_window_s=window,
        rss_samples=samples,
        load_average=tuple(round(x, 2) for x in os.getloadavg()),  # type: ignore[arg-type]
    )


def print_table(f: Figures) -> None:
    rows = [
        ("clients", f"{f.clients}"),
        ("duration", f"{f.duration_s} s"),
        ("detectors", f.detectors),
        ("answered (200)", f"{f.requests} ({f.rate_per_s}/s)"),
        ("CLI batch rate, same articles", f"{f.cli_rate_per_s}/s (server: {f.rate_vs_cli:.0%} of it)"),
        ("mean batch on the server", f"{f.mean_batch} articles"),
        ("errors (other than 503)", f"{f.errors}"),
        ("503 (queue full)", f"{f.busy_503}"),
        ("latency p50 / p95 / max", f"{f.p50_s} / {f.p95_s} / {f.max_s} s"),
        ("server RSS first / last / max", f"{f.rss_mb_first} / {f.rss_mb_last} / {f.rss_mb_max} MB"),
        (
            f"server RSS mean, first / last {f.rss_window_s:.0f} s",
            f"{f.rss_mb_first_window} / {f.rss_mb_last_window} MB",
        ),
        ("load average (1/5/15 min)", " ".join(str(x) for x in f.load_average)),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    for err in f.first_errors:
        print(f"  error: {err}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=120.0, help="seconds of load (default 2 minutes)")
    ap.add_argument("--detectors", default="", help="comma-separated; default: the server's default set")
    ap.add_argument("--url", help="a running server on loopback instead of starting one (no RSS then)")
    ap.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    ap.add_argument("--cli-n", type=int, default=64, help="articles for the CLI batch rate (0: skip)")
    ap.add_argument("--serve-args", default="", help="extra `narrascope serve` options, e.g. '--max-batch 8'")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = ap.parse_args()
    if args.url and not re.match(r"^https?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$", args.url):
        ap.error("--url must be a loopback address")
    figures = run(args)
    print_table(figures)
    if args.json:
        args.json.write_text(json.dumps(asdict(figures), indent=2) + "\n")
    sys.exit(1 if figures.errors else 0)


if __name__ == "__main__":
    main()
