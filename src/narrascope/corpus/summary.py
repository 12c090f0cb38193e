"""The corpus report's data as one value: what the HTML report shows and what its JSON twin lists.

:func:`corpus_summary` reads the store once, with every cap (how many rows each table keeps) a parameter;
``corpus.report`` renders the value as HTML and :meth:`CorpusSummary.to_dict` gives it as JSON, so a page
and its twin, built from one value, list the same rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from narrascope.corpus.analytics import (
    Cooccurrence,
    CorpusStats,
    EntityRole,
    Prevalence,
    Trend,
    cooccurrence,
    corpus_stats,
    entity_roles,
    prevalence,
    trends,
)
from narrascope.corpus.claims import ClaimMatch, RecurringClaim, recurring_claims, stored_matches
from narrascope.corpus.duplicates import DuplicateCluster, near_duplicates
from narrascope.store import Store


@dataclass(frozen=True)
class TaskSummary:
    """One task's labels: prevalence by ISO week and by outlet, and its most frequent label pairs."""

    task: str
    by_week: tuple[Prevalence, ...]
    by_outlet: tuple[Prevalence, ...]
    cooccurrence: tuple[Cooccurrence, ...]


@dataclass(frozen=True)
class CorpusSummary:
    """Everything the corpus report shows, each table already cut to its cap."""

    name: str  # the store's file name
    stats: CorpusStats
    tasks: tuple[TaskSummary, ...]
    n_duplicates: int  # near-duplicate clusters in all; ``duplicates`` are the first of them
    duplicates: tuple[DuplicateCluster, ...]
    entity_roles: tuple[EntityRole, ...]
    rising: tuple[Trend, ...]  # labels whose share rose in the latest week, largest rise first
    claims: tuple[ClaimMatch, ...]
    recurring_by_outlet: tuple[RecurringClaim, ...]
    recurring_by_week: tuple[RecurringClaim, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (dates stay ``date``: the caller's encoder writes them)."""
        by_outlet = [p for t in self.tasks for p in t.by_outlet]
        by_week = [p for t in self.tasks for p in t.by_week]
        return {
            "name": self.name,
            "stats": asdict(self.stats),
            "prevalence_by_outlet": [asdict(p) for p in sorted(by_outlet, key=_group_order)],
            "prevalence_by_week": [asdict(p) for p in sorted(by_week, key=_group_order)],
            "cooccurrence": [asdict(c) for t in self.tasks for c in t.cooccurrence],
            "entity_roles": [asdict(r) for r in self.entity_roles],
            "trends": [{**asdict(t), "change": t.change} for t in self.rising],
            "n_near_duplicates": self.n_duplicates,
            "near_duplicates": [asdict(c) for c in self.duplicates],
            "claims": [asdict(m) for m in self.claims],
            "recurring_claims_by_outlet": [asdict(r) for r in self.recurring_by_outlet],
            "recurring_claims_by_week": [asdict(r) for r in self.recurring_by_week],
        }


def _group_order(p: Prevalence) -> tuple[str, str, str]:
    return (p.group, p.task, p.label)


def corpus_summary(
    store: Store,
    *,
    name: str | None = None,
    pairs: int = 20,
    duplicates: int = 25,
    roles: int = 50,
    rising: int = 15,
    claims: int = 100,
    recurring: int = 20,
) -> CorpusSummary:
    """The report's data over ``store`` (``name``: what the report calls it; the file's name by default).
    Each cap is how many rows its table keeps: label ``pairs`` per task, ``duplicates`` clusters, entity
    ``roles``, ``rising`` labels, known-claim ``claims`` and ``recurring`` claims by outlet and by week."""
    tasks = [
        str(r[0])
        for r in store.query("SELECT DISTINCT task FROM findings WHERE entity IS NULL ORDER BY task")
    ]
    clusters = near_duplicates(store)
    return CorpusSummary(
        name=store.path.name if name is None else name,
        stats=corpus_stats(store),
        tasks=tuple(_task(store, t, pairs) for t in tasks),
        n_duplicates=len(clusters),
        duplicates=tuple(clusters[:duplicates]),
        entity_roles=tuple(entity_roles(store)[:roles]),
        rising=tuple([t for t in trends(store) if t.change > 0][:rising]),
        claims=tuple(stored_matches(store, claims)),
        recurring_by_outlet=tuple(recurring_claims(store, "outlet", recurring)),
        recurring_by_week=tuple(recurring_claims(store, "week", recurring)),
    )


def _task(store: Store, task: str, pairs: int) -> TaskSummary:
    return TaskSummary(
        task=task,
        by_week=tuple(prevalence(store, "week", task=task)),
        by_outlet=tuple(prevalence(store, "outlet", task=task)),
        cooccurrence=tuple(cooccurrence(store, task)[:pairs]),
    )
