"""Known claims: read a claims file (CSV ``id,claim,date,url`` or the EUvsDisinfo case export) and match
article sentences against it by cosine similarity of the shared multilingual encoder."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from narrascope.store import Store
from narrascope.types import InputError

DEFAULT_THRESHOLD = 0.7
_MATCH_SCHEMA = pa.schema(
    [
        ("claim_id", pa.string()),
        ("article_id", pa.string()),
        ("content_hash", pa.string()),
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("sentence", pa.string()),
        ("score", pa.float64()),
        ("encoder", pa.string()),
    ]
)
_EUVSDISINFO = {"date", "id", "title"}  # posts.csv of the EUvsDisinfo export: date,id(case URL),title,...


@dataclass(frozen=True)
class Claim:
    id: str
    claim: str
    date: str = ""
    url: str = ""


@dataclass(frozen=True)
class ClaimMatch:
    """One article sentence that matches a known claim, with the claim beside it."""

    claim_id: str
    claim: str
    article_id: str
    content_hash: str
    start: int
    end: int
    sentence: str
    score: float


def read_claims(path: str | Path) -> list[Claim]:
    """Claims from a CSV with ``id,claim[,date,url]``, or the EUvsDisinfo export (``date,id,title,...``:
    the case URL is the url, its last path part the id, the title the claim)."""
    with Path(path).open("r", encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        header = set(reader.fieldnames or [])
        if {"id", "claim"} <= header:
            return [
                Claim(r["id"], r["claim"], r.get("date") or "", r.get("url") or "")
                for r in reader
                if r["claim"]
            ]
        if header >= _EUVSDISINFO:
            return [_euvsdisinfo(r) for r in reader if r["title"]]
    raise InputError(
        str(path),
        f"claims CSV needs columns id,claim[,date,url] or the EUvsDisinfo layout; "
        f"found: {', '.join(sorted(header))}",
    )


def _euvsdisinfo(row: dict[str, str]) -> Claim:
    url = row["id"].strip()
    slug = url.rstrip("/").rsplit("/", 1)[-1] or url
    return Claim(slug, row["title"].strip(), row.get("date", "").strip(), url)


def _sentences(store: Store, batch: int = 200) -> Iterator[tuple[str, str, int, int, str]]:
    cur = store.con.cursor()
    cur.execute("SELECT article_id, content_hash, text, json_extract(analysis, '$.sentences') FROM articles")
    while rows := cur.fetchmany(batch):
        for article_id, chash, text, spans in rows:
            for s in json.loads(spans or "[]"):
                yield str(article_id), str(chash), int(s["start"]), int(s["end"]), text[s["start"] : s["end"]]
    cur.close()


def match_claims(
    store: Store,
    claims: Sequence[Claim],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    space: str = "multi",
    min_words: int = 4,
    batch: int = 256,
    save: bool = True,
) -> list[ClaimMatch]:
    """Every stored sentence whose best claim reaches ``threshold`` cosine similarity, best first.

    With ``save``, the claims and matches replace those in the store's ``claims``/``claim_matches`` tables.
    """
    from narrascope.encode import get_encoder

    if not claims:
        return []
    encoder = get_encoder(space)
    claim_vecs = encoder.encode([c.claim for c in claims])
    matches: list[ClaimMatch] = []
    pending: list[tuple[str, str, int, int, str]] = []
    for sent in _sentences(store):
        if len(sent[4].split()) >= min_words:
            pending.append(sent)
        if len(pending) >= batch:
            matches += _match(encoder.encode([p[4] for p in pending]), pending, claim_vecs, claims, threshold)
            pending = []
    if pending:
        matches += _match(encoder.encode([p[4] for p in pending]), pending, claim_vecs, claims, threshold)
    matches.sort(key=lambda m: (-m.score, m.claim_id, m.article_id, m.start))
    if save:
        _save(store, claims, matches, f"{space}:{encoder.version}")
    return matches


def _match(
    vecs: npt.NDArray[np.float32],
    sents: list[tuple[str, str, int, int, str]],
    claim_vecs: npt.NDArray[np.float32],
    claims: Sequence[Claim],
    threshold: float,
) -> list[ClaimMatch]:
    sims = vecs @ claim_vecs.T
    best = sims.argmax(axis=1)
    out = []
    for i, j in enumerate(best):
        score = float(sims[i, j])
        if score >= threshold:
            a, h, s, e, text = sents[i]
            out.append(ClaimMatch(claims[j].id, claims[j].claim, a, h, s, e, text, round(score, 4)))
    return out


def _save(store: Store, claims: Sequence[Claim], matches: list[ClaimMatch], encoder: str) -> None:
    con = store.con
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM claim_matches")
        con.execute("DELETE FROM claims")
        rows = {c.id: c for c in claims}.values()
        claims_t = pa.table(
            {
                "claim_id": [c.id for c in rows],
                "claim": [c.claim for c in rows],
                "date": [c.date for c in rows],
                "url": [c.url for c in rows],
            }
        )
        matches_t = pa.Table.from_pylist(
            [
                {
                    "claim_id": m.claim_id,
                    "article_id": m.article_id,
                    "content_hash": m.content_hash,
                    "start": m.start,
                    "end": m.end,
                    "sentence": m.sentence,
                    "score": m.score,
                    "encoder": encoder,
                }
                for m in matches
            ],
            schema=_MATCH_SCHEMA,
        )
        con.register("_claims", claims_t)
        con.register("_matches", matches_t)
        con.execute("INSERT INTO claims SELECT * FROM _claims")
        con.execute("INSERT INTO claim_matches SELECT * FROM _matches")
        con.unregister("_claims")
        con.unregister("_matches")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def stored_matches(store: Store, limit: int = 200) -> list[ClaimMatch]:
    """The claim matches saved in the store, best first."""
    rows = store.query(
        'SELECT m.claim_id, c.claim, m.article_id, m.content_hash, m.start, m."end", m.sentence, m.score '
        "FROM claim_matches m JOIN claims c USING (claim_id) ORDER BY m.score DESC, m.claim_id LIMIT ?",
        [limit],
    )
    return [
        ClaimMatch(str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), int(r[5]), str(r[6]), float(r[7]))
        for r in rows
    ]
