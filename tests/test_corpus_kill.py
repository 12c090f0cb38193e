"""A real `narrascope corpus analyze` subprocess, SIGKILLed part-way, then resumed: every document stored
exactly once, none lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# the CLI's own main(), with the test detectors registered first (the registry is the plugin seam)
LAUNCH = "import tests.test_corpus as t; t.register_test_detectors(); from narrascope.cli import main; main()"


def _cmd(src: Path, db: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        LAUNCH,
        "corpus",
        "analyze",
        str(src),
        "--db",
        str(db),
        "--detectors",
        "slow",
        "--batch-size",
        "4",
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_then_resume_stores_each_document_once(tmp_path: Path) -> None:
    from narrascope.store import Store

    n = 40
    src = tmp_path / "in.jsonl"
    records = [
        {
            "id": f"d{i:02d}",
            "outlet": f"O{i % 3}",
            "published": f"2024-03-{1 + i % 28:02d}",
            "text": f"Document {i} about the war. It has a second sentence.",
        }
        for i in range(n)
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in records))
    db, marker = tmp_path / "k.duckdb", tmp_path / "batches"
    env = {**os.environ, "NARRASCOPE_TEST_MARKER": str(marker), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(_cmd(src, db), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    # batch k+1 being detected means batch k was committed (batches run one after the other)
    while time.monotonic() < deadline and (not marker.exists() or len(marker.read_text().split()) < 4):
        assert proc.poll() is None, proc.communicate()[1].decode()
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    with Store(db) as store:
        kept = store.query("SELECT count(*) FROM articles")[0][0]
        assert store.query("SELECT status FROM runs")[0][0] == "running"  # never finished
    assert 12 <= kept < n, kept

    done = subprocess.run(
        _cmd(src, db), cwd=ROOT, env={**env, "NARRASCOPE_TEST_MARKER": ""}, capture_output=True, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode()
    with Store(db, read_only=True) as store:
        rows = store.query("SELECT article_id, count(*) FROM articles GROUP BY article_id ORDER BY 1")
        assert rows == [(f"d{i:02d}", 1) for i in range(n)]
        assert store.query("SELECT count(*) FROM findings")[0][0] == n
        last = store.query("SELECT status, n_analyzed, n_skipped, n_errors FROM runs ORDER BY run_id DESC")[0]
        assert last == ("finished", n - kept, kept, 0)
