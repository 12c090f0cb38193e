"""Corpus analysis: resumable runs into the store, analytics, near-duplicates, known claims, the report."""

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
from narrascope.corpus.claims import (
    Claim,
    ClaimMatch,
    RecurringClaim,
    match_claims,
    read_claims,
    recurring_claims,
    stored_matches,
)
from narrascope.corpus.duplicates import DuplicateCluster, DuplicateMember, near_duplicates
from narrascope.corpus.ops import export, match_claims_file
from narrascope.corpus.report import corpus_report, write_report
from narrascope.corpus.run import ENGINES, RunSummary, analyze_corpus, estimate_total, iter_inputs

__all__ = [
    "ENGINES",
    "Claim",
    "ClaimMatch",
    "Cooccurrence",
    "CorpusStats",
    "DuplicateCluster",
    "DuplicateMember",
    "EntityRole",
    "Prevalence",
    "RecurringClaim",
    "RunSummary",
    "Trend",
    "analyze_corpus",
    "cooccurrence",
    "corpus_report",
    "corpus_stats",
    "entity_roles",
    "estimate_total",
    "export",
    "iter_inputs",
    "match_claims",
    "match_claims_file",
    "near_duplicates",
    "prevalence",
    "read_claims",
    "recurring_claims",
    "stored_matches",
    "trends",
    "write_report",
]
