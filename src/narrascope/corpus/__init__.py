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
from narrascope.corpus.report import REPORT_CSS, corpus_report, render_report, report_body, write_report
from narrascope.corpus.run import ENGINES, RunSummary, analyze_corpus, estimate_total, iter_inputs
from narrascope.corpus.summary import CorpusSummary, TaskSummary, corpus_summary

__all__ = [
    "ENGINES",
    "REPORT_CSS",
    "Claim",
    "ClaimMatch",
    "Cooccurrence",
    "CorpusStats",
    "CorpusSummary",
    "DuplicateCluster",
    "DuplicateMember",
    "EntityRole",
    "Prevalence",
    "RecurringClaim",
    "RunSummary",
    "TaskSummary",
    "Trend",
    "analyze_corpus",
    "cooccurrence",
    "corpus_report",
    "corpus_stats",
    "corpus_summary",
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
    "render_report",
    "report_body",
    "stored_matches",
    "trends",
    "write_report",
]
