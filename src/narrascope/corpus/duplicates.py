"""Near-duplicate articles: MinHash signatures of word shingles, LSH candidates, and clusters with their
first publisher and time lags."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from datasketch import MinHash, MinHashLSH

from narrascope.store import Store

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class DuplicateMember:
    article_id: str
    outlet: str
    published: str
    similarity: float  # estimated Jaccard similarity to the cluster's first publication
    lag_hours: float | None  # time after the first publication; None when either is undated


@dataclass(frozen=True)
class DuplicateCluster:
    """Articles that share most of their text. ``members[0]`` is the first publisher (earliest date)."""

    cluster_id: int
    members: tuple[DuplicateMember, ...]

    @property
    def first(self) -> DuplicateMember:
        return self.members[0]

    @property
    def outlets(self) -> list[str]:
        return sorted({m.outlet for m in self.members})


def shingles(text: str, k: int = 5) -> set[str]:
    """Word ``k``-grams of the lowercased text (the whole text when it is shorter than ``k`` words)."""
    words = _WORD.findall(text.lower())
    if len(words) <= k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def signature(text: str, num_perm: int = 128, k: int = 5) -> MinHash:
    m = MinHash(num_perm=num_perm, seed=1)
    m.update_batch([s.encode("utf-8") for s in shingles(text, k)])
    return m


def _parse_time(published: str) -> datetime | None:
    value = published.strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed.astimezone().replace(tzinfo=None)


@dataclass(frozen=True)
class _Doc:
    key: str
    article_id: str
    outlet: str
    published: str


def _iter_articles(store: Store, batch: int = 500) -> Iterator[tuple[_Doc, str]]:
    cur = store.con.cursor()
    cur.execute(
        "SELECT article_id || '|' || content_hash, article_id, outlet, published, text FROM articles "
        "ORDER BY article_id, content_hash"
    )
    while rows := cur.fetchmany(batch):
        for r in rows:
            yield _Doc(str(r[0]), str(r[1]), str(r[2] or ""), str(r[3] or "")), str(r[4])
    cur.close()


def near_duplicates(
    store: Store, *, threshold: float = 0.7, num_perm: int = 128, shingle: int = 5, min_words: int = 20
) -> list[DuplicateCluster]:
    """Clusters of two or more articles whose estimated Jaccard similarity (word shingles) reaches
    ``threshold``, linked transitively; largest cluster first. Texts are streamed from the store; only the
    signatures (``num_perm`` integers per article) are held in memory."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    sigs: dict[str, MinHash] = {}
    docs: dict[str, _Doc] = {}
    for doc, text in _iter_articles(store):
        if len(_WORD.findall(text)) < min_words:
            continue
        sig = signature(text, num_perm, shingle)
        sigs[doc.key], docs[doc.key] = sig, doc
        lsh.insert(doc.key, sig)
    parent = {k: k for k in sigs}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for key, sig in sigs.items():
        for other in lsh.query(sig):
            if other != key and sig.jaccard(sigs[other]) >= threshold:
                parent[find(other)] = find(key)
    groups: dict[str, list[str]] = {}
    for key in sigs:
        groups.setdefault(find(key), []).append(key)
    clusters = [_cluster(keys, docs, sigs) for keys in groups.values() if len(keys) > 1]
    clusters.sort(key=lambda c: (-len(c.members), c.first.published, c.first.article_id))
    return [DuplicateCluster(i, c.members) for i, c in enumerate(clusters, 1)]


def _cluster(keys: list[str], docs: dict[str, _Doc], sigs: dict[str, MinHash]) -> DuplicateCluster:
    def order(k: str) -> tuple[int, datetime, str]:
        t = _parse_time(docs[k].published)
        return (0, t, docs[k].article_id) if t else (1, datetime.max, docs[k].article_id)

    ordered = sorted(keys, key=order)
    first = ordered[0]
    t0 = _parse_time(docs[first].published)
    members = []
    for k in ordered:
        d, t = docs[k], _parse_time(docs[k].published)
        lag = (t - t0).total_seconds() / 3600 if t and t0 else None
        members.append(
            DuplicateMember(d.article_id, d.outlet, d.published, round(sigs[k].jaccard(sigs[first]), 4), lag)
        )
    return DuplicateCluster(0, tuple(members))
