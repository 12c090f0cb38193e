"""Corpus analytics as library calls over the store, generic over detectors: any task, any label.

Entity findings (attrs ``main_role``) go to :func:`entity_roles`; every other finding counts in
:func:`prevalence`, :func:`cooccurrence` and :func:`trends`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from narrascope.store import Store

UNKNOWN_OUTLET = "(unknown)"
UNDATED = "(undated)"
_GROUPS = {
    "outlet": f"coalesce(nullif(outlet, ''), '{UNKNOWN_OUTLET}')",
    "week": f"coalesce(strftime(published_date, '%G-W%V'), '{UNDATED}')",
}
_KEY = "article_id || '|' || content_hash"


def group_sql(by: str) -> str:
    """The SQL expression over ``articles`` of a grouping: ``outlet`` or ISO ``week`` of publication."""
    if by not in _GROUPS:
        raise ValueError(f"by must be one of {', '.join(_GROUPS)}; got {by!r}")
    return _GROUPS[by]


@dataclass(frozen=True)
class Prevalence:
    """One label in one group (an outlet or an ISO week)."""

    group: str
    task: str
    label: str
    articles: int  # articles of the group with the label
    findings: int  # findings of the label in the group
    group_articles: int
    group_words: int

    @property
    def share(self) -> float:
        """Share of the group's articles that carry the label."""
        return self.articles / self.group_articles if self.group_articles else 0.0

    @property
    def per_1k_words(self) -> float:
        """Findings per 1,000 words of the group's text."""
        return 1000.0 * self.findings / self.group_words if self.group_words else 0.0


def prevalence(
    store: Store, by: str = "outlet", *, task: str | None = None, min_score: float = 0.0
) -> list[Prevalence]:
    """Prevalence of every label by ``outlet`` or by ISO ``week`` of publication,
    sorted by group, task and label."""
    if by not in _GROUPS:
        raise ValueError(f"by must be one of {', '.join(_GROUPS)}; got {by!r}")
    sql = f"""
        WITH a AS (SELECT article_id, content_hash, {_GROUPS[by]} AS grp, n_words FROM articles),
        tot AS (SELECT grp, count(*) AS n, sum(n_words) AS w FROM a GROUP BY grp),
        f AS (SELECT a.grp, f.task, f.label, count(DISTINCT f.{_KEY}) AS na, count(*) AS nf
              FROM findings f JOIN a USING (article_id, content_hash)
              WHERE f.entity IS NULL AND f.score >= ? AND (? IS NULL OR f.task = ?)
              GROUP BY a.grp, f.task, f.label)
        SELECT f.grp, f.task, f.label, f.na, f.nf, tot.n, tot.w FROM f JOIN tot USING (grp)
        ORDER BY f.grp, f.task, f.label"""
    rows = store.query(sql, [min_score, task, task])
    return [
        Prevalence(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6] or 0))
        for r in rows
    ]


@dataclass(frozen=True)
class EntityRole:
    """How often an outlet casts an entity in a main role."""

    outlet: str
    entity: str
    main_role: str
    mentions: int
    articles: int


def entity_roles(store: Store) -> list[EntityRole]:
    """Which outlets cast which entity as which role (entity findings only); most mentioned first."""
    sql = f"""
        SELECT {_GROUPS["outlet"]} AS o, f.entity, json_extract_string(f.attrs, '$.main_role') AS role,
               count(*) AS n, count(DISTINCT f.{_KEY}) AS na
        FROM findings f JOIN articles a USING (article_id, content_hash)
        WHERE f.entity IS NOT NULL
        GROUP BY o, f.entity, role ORDER BY n DESC, o, f.entity, role"""
    return [EntityRole(str(r[0]), str(r[1]), str(r[2]), int(r[3]), int(r[4])) for r in store.query(sql)]


@dataclass(frozen=True)
class Cooccurrence:
    """Two labels of one task found in the same articles."""

    task: str
    label_a: str
    label_b: str
    articles: int
    jaccard: float  # articles with both / articles with either


def cooccurrence(
    store: Store, task: str = "narratives", *, level: str | None = "narrative", min_score: float = 0.0
) -> list[Cooccurrence]:
    """Pairs of document-level labels of ``task`` in the same article (findings whose ``level`` attribute,
    when present, equals ``level``), most frequent first."""
    sql = f"""
        WITH l AS (SELECT DISTINCT {_KEY} AS k, label FROM findings
                   WHERE task = ? AND entity IS NULL AND start IS NULL AND score >= ?
                     AND (? IS NULL OR coalesce(json_extract_string(attrs, '$.level'), ?) = ?)),
        n AS (SELECT label, count(*) AS c FROM l GROUP BY label)
        SELECT x.label, y.label, count(*) AS both_n, na.c, nb.c
        FROM l x JOIN l y ON x.k = y.k AND x.label < y.label
        JOIN n na ON na.label = x.label JOIN n nb ON nb.label = y.label
        GROUP BY x.label, y.label, na.c, nb.c ORDER BY both_n DESC, x.label, y.label"""
    rows = store.query(sql, [task, min_score, level, level, level])
    return [
        Cooccurrence(task, str(r[0]), str(r[1]), int(r[2]), int(r[2]) / (int(r[3]) + int(r[4]) - int(r[2])))
        for r in rows
    ]


@dataclass(frozen=True)
class Trend:
    """A label's share of articles in the latest week against the weeks before it."""

    task: str
    label: str
    week: str  # ISO week of the latest week, e.g. 2024-W10
    share_now: float
    share_before: float
    articles_now: int
    articles_before: int

    @property
    def change(self) -> float:
        return self.share_now - self.share_before


def latest_week(store: Store) -> date | None:
    row = store.query("SELECT max(date_trunc('week', published_date))::DATE FROM articles")
    return row[0][0] if row and row[0][0] is not None else None


def trends(
    store: Store, *, weeks_before: int = 4, week: date | None = None, min_score: float = 0.0
) -> list[Trend]:
    """What rose most: each label's share of articles in ``week`` (default: the latest week with articles)
    against its share over the ``weeks_before`` weeks before it; largest rise first."""
    now = week or latest_week(store)
    if now is None:
        return []
    now = now - timedelta(days=now.weekday())
    before = now - timedelta(weeks=weeks_before)
    end = now + timedelta(weeks=1)
    sql = f"""
        WITH a AS (SELECT {_KEY} AS k, published_date >= ? AS cur FROM articles
                   WHERE published_date >= ? AND published_date < ?),
        tot AS (SELECT count(*) FILTER (WHERE cur) AS n_now,
                       count(*) FILTER (WHERE NOT cur) AS n_before FROM a),
        f AS (SELECT DISTINCT f.task, f.label, a.k, a.cur FROM findings f JOIN a ON a.k = f.{_KEY}
              WHERE f.entity IS NULL AND f.score >= ?)
        SELECT task, label, count(*) FILTER (WHERE cur), count(*) FILTER (WHERE NOT cur),
               any_value(tot.n_now), any_value(tot.n_before)
        FROM f, tot GROUP BY task, label"""
    rows = store.query(sql, [now, before, end, min_score])
    iso = now.isocalendar()
    label = f"{iso.year}-W{iso.week:02d}"
    out = [
        Trend(
            str(r[0]),
            str(r[1]),
            label,
            int(r[2]) / r[4] if r[4] else 0.0,
            int(r[3]) / r[5] if r[5] else 0.0,
            int(r[2]),
            int(r[3]),
        )
        for r in rows
    ]
    return sorted(out, key=lambda t: (-t.change, t.task, t.label))


@dataclass(frozen=True)
class CorpusStats:
    articles: int
    words: int
    outlets: int
    first_date: date | None
    last_date: date | None
    runs: int
    errors: int


def corpus_stats(store: Store) -> CorpusStats:
    r = store.query(
        "SELECT count(*), coalesce(sum(n_words), 0), count(DISTINCT nullif(outlet, '')), "
        "min(published_date), "
        "max(published_date), (SELECT count(*) FROM runs), (SELECT count(*) FROM errors) FROM articles"
    )[0]
    return CorpusStats(int(r[0]), int(r[1]), int(r[2]), r[3], r[4], int(r[5]), int(r[6]))
