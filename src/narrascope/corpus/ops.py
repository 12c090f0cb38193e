"""One-call operations on a store file, for the command line: export, known-claims matching."""

from __future__ import annotations

from pathlib import Path

from narrascope.corpus.claims import DEFAULT_THRESHOLD, ClaimMatch, match_claims, read_claims
from narrascope.store import ExportSummary, Store, export_corpus


def export(db: str | Path, fmt: str, out: str | Path) -> ExportSummary:
    """Export the store ``db`` as ``OUT/<table>.<fmt>`` (csv, parquet or jsonl)."""
    if not Path(db).exists():
        raise FileNotFoundError(f"{db}: no such store")
    with Store(db, read_only=True) as store:
        return export_corpus(store, fmt, out)


def match_claims_file(
    db: str | Path, claims: str | Path, threshold: float = DEFAULT_THRESHOLD
) -> list[ClaimMatch]:
    """Read a claims file (CSV id,claim,date,url or the EUvsDisinfo export) and match the store against it;
    the matches are saved in the store for the report."""
    known = read_claims(claims)
    with Store(db) as store:
        return match_claims(store, known, threshold=threshold)
