"""Crash safety: `narrascope corpus analyze` SIGKILLed at random points, again and again, and a store
SIGKILLed in the middle of a schema migration. After every kill the store opens, nothing stored is lost
or duplicated, and the resumed run completes with every document exactly once."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
N_DOCS = 32
ROUNDS = 3
SEED = 9
WORDS = ("the", "minister", "said", "war", "energy", "prices", "crisis", "election", "army", "talks")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def write_corpus(path: Path, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    ids = [f"d{i:03d}" for i in range(n)]
    with path.open("w", encoding="utf-8") as f:
        for i, doc_id in enumerate(ids):
            sentences = [
                " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))).capitalize() + "."
                for _ in range(rng.randint(3, 8))
            ]
            record = {"id": doc_id, "outlet": f"O{i % 3}", "published": f"2024-03-{1 + i % 28:02d}"}
            f.write(json.dumps({**record, "text": " ".join(sentences)}) + "\n")
    return ids


def analyze_cmd(src: Path, db: Path) -> list[str]:
    exe = Path(sys.executable).parent / "narrascope"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "narrascope.cli"]
    return [*cmd, "corpus", "analyze", str(src), "--db", str(db), "--detectors", "genre", "--batch-size", "2"]


def snapshot(db: Path) -> dict[str, int]:
    """Stored articles (each once), their findings, and the runs' counts, checked for consistency."""
    from narrascope.store import Store

    if not db.exists():
        return {"articles": 0}
    with Store(db) as store:  # opens, and migrates, after the kill
        per_id = store.query("SELECT article_id, count(*) FROM articles GROUP BY 1 HAVING count(*) > 1")
        assert per_id == [], f"duplicated articles: {per_id}"
        articles = store.query("SELECT count(*) FROM articles")[0][0]
        orphans = store.query(
            "SELECT count(*) FROM findings f ANTI JOIN articles a USING (article_id, content_hash)"
        )[0][0]
        assert orphans == 0, f"{orphans} findings without their article"
        bare = store.query(
            "SELECT count(*) FROM articles a ANTI JOIN findings f USING (article_id, content_hash)"
        )
        assert bare[0][0] == 0, "an article stored without its genre finding"
        counted = store.query("SELECT coalesce(sum(n_analyzed), 0) FROM runs")[0][0]
        assert counted == articles, f"runs count {counted} analysed, the store holds {articles}"
    return {"articles": int(articles)}


def wal_size(db: Path) -> int:
    wal = db.with_name(db.name + ".wal")
    return wal.stat().st_size if wal.exists() else -1


def kill_after_commits(cmd: list[str], db: Path, commits: int, extra: float) -> int:
    """Run ``cmd``; SIGKILL it ``extra`` seconds after its write-ahead log changed ``commits`` times.

    Triggered by the run's own progress, not by a clock, so the kills land part-way on slow and fast
    machines alike; ``extra`` puts them at random points between (or inside) batch commits.
    """
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen, last, deadline = 0, wal_size(db), time.monotonic() + 120
    while proc.poll() is None and seen < commits and time.monotonic() < deadline:
        size = wal_size(db)
        if size != last:
            seen, last = seen + 1, size
        time.sleep(0.005)
    time.sleep(extra)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return int(proc.returncode)


def test_repeated_sigkill_then_resume_stores_each_document_once(tmp_path: Path) -> None:
    from narrascope.store import Store

    src, db = tmp_path / "in.jsonl", tmp_path / "k.duckdb"
    ids = write_corpus(src, N_DOCS, SEED)
    rng = random.Random(SEED)
    kept, killed = 0, 0
    for _ in range(ROUNDS):
        code = kill_after_commits(analyze_cmd(src, db), db, rng.randint(2, 7), rng.uniform(0.0, 0.3))
        killed += code == -signal.SIGKILL
        now = snapshot(db)["articles"]
        assert now >= kept, f"stored articles went from {kept} to {now}: something was lost"
        print(f"round: exit {code}, {now} of {N_DOCS} stored")  # seen with pytest -s
        kept = now
        if kept == N_DOCS:
            break
    assert killed >= 2, f"only {killed} of the rounds were killed part-way"
    done = subprocess.run(analyze_cmd(src, db), cwd=ROOT, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    assert snapshot(db)["articles"] == N_DOCS
    with Store(db, read_only=True) as store:
        rows = store.query("SELECT article_id, count(*) FROM articles GROUP BY 1 ORDER BY 1")
        assert rows == [(i, 1) for i in ids]
        last = store.query("SELECT status, n_analyzed, n_skipped, n_errors FROM runs ORDER BY run_id DESC")[0]
        assert last == ("finished", N_DOCS - kept, kept, 0)
        assert store.query("SELECT count(*) FROM findings WHERE task = 'genre'")[0][0] == N_DOCS


# A Store opened in a subprocess whose connection stops (and says so) inside migration VERSION, after its
# first statement ran: the parent SIGKILLs it there.
MIGRATION_VICTIM = """
import sys, time, duckdb
from pathlib import Path
from narrascope.store import _schema, Store

version, marker = int(sys.argv[2]), Path(sys.argv[3])
first = _schema.MIGRATIONS[version - 1].statements[0]
real_connect = duckdb.connect

class Stalling:
    def __init__(self, con): self.con = con
    def execute(self, sql, *args):
        out = self.con.execute(sql, *args)
        if sql == first:
            marker.write_text("inside")
            time.sleep(600)
        return out
    def __getattr__(self, name): return getattr(self.con, name)

duckdb.connect = lambda *a, **k: Stalling(real_connect(*a, **k))
Store(sys.argv[1])
"""


# What each migration after the first creates, dropped to make an old store; and a table it creates.
_UNDO = {
    2: ("DROP TABLE claim_matches", "DROP TABLE claims"),
    3: ("DROP TABLE jobs", "DROP SEQUENCE job_ids"),
}
_CREATES = {1: "runs", 2: "claims", 3: "jobs"}


@pytest.mark.parametrize("version", [1, 2, 3])
def test_sigkill_during_a_migration_leaves_no_half_applied_schema(tmp_path: Path, version: int) -> None:
    from narrascope.store import Store
    from narrascope.store._schema import LATEST

    assert sorted(_CREATES) == list(range(1, LATEST + 1)), "a new migration: add it to _UNDO and _CREATES"
    db, marker = tmp_path / "m.duckdb", tmp_path / "marker"
    if version > 1:
        with Store(db) as store:  # an old store: only the migrations before VERSION applied
            store.con.execute("DELETE FROM schema_migrations WHERE version >= ?", [version])
            for later in range(LATEST, version - 1, -1):
                for sql in _UNDO[later]:
                    store.con.execute(sql)
    args = [sys.executable, "-c", MIGRATION_VICTIM, str(db), str(version), str(marker)]
    proc = subprocess.Popen(args, cwd=ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()[1].decode()
        assert time.monotonic() < deadline, "the migration never started"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    with Store(db, read_only=True) as store:  # the half-run migration left nothing behind
        applied = [r[0] for r in store.query("SELECT version FROM schema_migrations ORDER BY 1")]
        assert applied == list(range(1, version))
        tables = {r[0] for r in store.query("SELECT table_name FROM information_schema.tables")}
        assert ("runs" in tables) == (version > 1) and _CREATES[version] not in tables
    with Store(db) as store:  # and opening it for writing applies the rest
        applied = [r[0] for r in store.query("SELECT version FROM schema_migrations ORDER BY 1")]
        assert applied == list(range(1, LATEST + 1))
        store.query("SELECT count(*) FROM claims, runs, jobs")
