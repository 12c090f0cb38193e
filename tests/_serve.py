"""A real `narrascope serve` process for the browser tests: a free port, start, health wait, stop."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as r:  # loopback only
        return json.loads(r.read())


def start_server(port: int, detectors: list[str], db: Path | None) -> subprocess.Popen[bytes]:
    exe = Path(sys.executable).parent / "narrascope"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "narrascope.cli"]
    cmd += ["serve", "--port", str(port), "--detectors", ",".join(detectors)]
    cmd += ["--db", str(db)] if db else []
    env = {k: v for k, v in os.environ.items() if k != "NARRASCOPE_TOKEN"}
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_healthy(proc: subprocess.Popen[bytes], url: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"server exited with {proc.returncode}: {err[-2000:]}")
        try:
            if get_json(url + "/api/health")["status"] == "ok":
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"no answer from {url}/api/health in {timeout:.0f} s")


@contextmanager
def serving(detectors: list[str], db: Path | None) -> Iterator[str]:
    """The base URL of a healthy server on a free loopback port; the process is stopped on exit."""
    port = free_port()
    proc = start_server(port, detectors, db)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
