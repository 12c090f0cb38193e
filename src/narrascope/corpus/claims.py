"""Known claims in a corpus: match stored article sentences against a claims file (read by
``narrascope.knownclaims``: the EUvsDisinfo case export, ``id,claim,date,url`` or ``claim,date,url``) by
cosine similarity of the shared multilingual encoder, and keep the matches in the store."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from narrascope.knownclaims import Claim, read_claims
from narrascope.store import Store

__all__ = [
    "DEFAULT_THRESHOLD",
    "Claim",
    "ClaimMatch",
    "RecurringClaim",
    "match_claims",
    "read_claims",
    "recurring_claims",
    "stored_matches",
]

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


@dataclass(frozen=True)
class RecurringClaim:
    """A known claim restated in one group (an outlet or an ISO week): in how many articles and sentences."""

    group: str
    claim_id: str
    claim: str
    url: str
    articles: int
    sentences: int


def recurring_claims(store: Store, by: str = "outlet", limit: int = 20) -> list[RecurringClaim]:
    """The known claims restated in the most articles, per ``outlet`` or ``week``, from the saved matches
    (``match_claims``); most articles first, at most ``limit`` rows."""
    from narrascope.corpus.analytics import group_sql

    rows = store.query(
        f"""SELECT {group_sql(by)} AS grp, m.claim_id, c.claim, coalesce(c.url, ''),
                   count(DISTINCT m.article_id || '|' || m.content_hash) AS na, count(*) AS ns
            FROM claim_matches m JOIN claims c USING (claim_id)
                 JOIN articles a USING (article_id, content_hash)
            GROUP BY grp, m.claim_id, c.claim, c.url
            ORDER BY na DESC, ns DESC, grp, m.claim_id LIMIT ?""",
        [limit],
    )
    return [RecurringClaim(str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]), int(r[5])) for r in rows]
