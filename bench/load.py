"""Load test: N concurrent clients posting average articles to /api/analyze on a live `narrascope serve`.

Usage: python bench/load.py [--clients 4] [--duration 120] [--detectors genre,frames] [--url URL]
                            [--sample 5] [--json FILE]

Starts `narrascope serve` on a free loopback port (or uses --url, loopback only), warms it up with one
request, then runs the clients for --duration seconds (a bounded run). Each request is the bundled example
article (~3,500 characters) with the words of every sentence shuffled by a seeded generator, so every
request is new text and no feature cache helps. Records errors (non-200 answers, exceptions), latency
p50/p95/max, and the server's resident memory (VmRSS) every --sample seconds: first, last and max, to show
that memory stays flat. Prints a table; --json writes the same figures.
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
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies.append(seconds)
            if error:
                self.errors.append(error)


@dataclass(frozen=True)
class Figures:
    clients: int
    duration_s: float
    detectors: str
    requests: int
    errors: int
    first_errors: list[str]
    rate_per_s: float
    p50_s: float
    p95_s: float
    max_s: float
    rss_mb_first: float
    rss_mb_last: float
    rss_mb_max: float
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
        try:
            status, detail = post(url, text, token)
            error = None if status == 200 else f"HTTP {status}: {detail}"
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"
        tally.add(time.monotonic() - started, error)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def sample_rss(pid: int | None, every: float, stop: threading.Event, out: list[float]) -> None:
    while pid is not None and not stop.is_set():
        out.append(round(rss_mb(pid), 1))
        stop.wait(every)


def start_server(detectors: str) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    exe = Path(sys.executable).parent / "narrascope"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "narrascope.cli"]
    cmd += ["serve", "--port", str(port)] + (["--detectors", detectors] if detectors else [])
    env = {k: v for k, v in os.environ.items() if k != "NARRASCOPE_TOKEN"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=5):
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
    proc, url = (None, args.url) if args.url else start_server(args.detectors)
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
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    return summarise(args, tally, samples, elapsed)


def summarise(args: argparse.Namespace, tally: Tally, samples: list[float], elapsed: float) -> Figures:
    lat = sorted(tally.latencies)
    return Figures(
        clients=args.clients,
        duration_s=round(elapsed, 1),
        detectors=args.detectors or "(server default)",
        requests=len(lat),
        errors=len(tally.errors),
        first_errors=tally.errors[:5],
        rate_per_s=round(len(lat) / elapsed, 2) if elapsed else 0.0,
        p50_s=round(percentile(lat, 50), 3),
        p95_s=round(percentile(lat, 95), 3),
        max_s=round(lat[-1], 3) if lat else 0.0,
        rss_mb_first=samples[0] if samples else 0.0,
        rss_mb_last=samples[-1] if samples else 0.0,
        rss_mb_max=max(samples) if samples else 0.0,
        rss_samples=samples,
        load_average=tuple(round(x, 2) for x in os.getloadavg()),  # type: ignore[arg-type]
    )


def print_table(f: Figures) -> None:
    rows = [
        ("clients", f"{f.clients}"),
        ("duration", f"{f.duration_s} s"),
        ("detectors", f.detectors),
        ("requests", f"{f.requests} ({f.rate_per_s}/s)"),
        ("errors", f"{f.errors}"),
        ("latency p50 / p95 / max", f"{f.p50_s} / {f.p95_s} / {f.max_s} s"),
        ("server RSS first / last / max", f"{f.rss_mb_first} / {f.rss_mb_last} / {f.rss_mb_max} MB"),
        ("load average (1/5/15 min)", " ".join(str(x) for x in f.load_average)),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    for err in f.first_errors:
        print(f"  error: {err}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--duration", type=float, default=120.0, help="seconds of load (default 2 minutes)")
    ap.add_argument("--detectors", default="", help="comma-separated; default: the server's default set")
    ap.add_argument("--url", help="a running server on loopback instead of starting one (no RSS then)")
    ap.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
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
