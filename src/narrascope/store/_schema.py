"""Numbered schema migrations, recorded in the database's ``schema_migrations`` table.

A published migration never changes: add the next number. ``migrate`` applies the missing ones in order,
each in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "articles, findings, runs, errors",
        (
            "CREATE SEQUENCE run_ids START 1",
            """CREATE TABLE runs (
                run_id INTEGER PRIMARY KEY DEFAULT nextval('run_ids'),
                started_at TIMESTAMP NOT NULL,
                finished_at TIMESTAMP,
                status VARCHAR NOT NULL,
                engine VARCHAR NOT NULL,
                inputs VARCHAR NOT NULL,
                model_versions VARCHAR NOT NULL,
                versions_key VARCHAR NOT NULL,
                n_analyzed INTEGER NOT NULL DEFAULT 0,
                n_skipped INTEGER NOT NULL DEFAULT 0,
                n_errors INTEGER NOT NULL DEFAULT 0)""",
            """CREATE TABLE articles (
                article_id VARCHAR NOT NULL,
                content_hash VARCHAR NOT NULL,
                versions_key VARCHAR NOT NULL,
                run_id INTEGER NOT NULL,
                source VARCHAR, url VARCHAR, outlet VARCHAR, published VARCHAR, published_date DATE,
                title VARCHAR, lang VARCHAR,
                n_chars INTEGER NOT NULL, n_words INTEGER NOT NULL,
                meta VARCHAR NOT NULL,
                text VARCHAR NOT NULL,
                analysis VARCHAR NOT NULL,
                PRIMARY KEY (article_id, content_hash))""",
            """CREATE TABLE findings (
                article_id VARCHAR NOT NULL,
                content_hash VARCHAR NOT NULL,
                detector VARCHAR NOT NULL,
                task VARCHAR NOT NULL,
                label VARCHAR NOT NULL,
                score DOUBLE NOT NULL,
                start INTEGER,
                "end" INTEGER,
                entity VARCHAR,
                attrs VARCHAR NOT NULL)""",
            """CREATE TABLE errors (
                run_id INTEGER NOT NULL,
                source VARCHAR NOT NULL,
                problem VARCHAR NOT NULL,
                recorded_at TIMESTAMP NOT NULL)""",
        ),
    ),
    Migration(
        2,
        "known claims and their matches",
        (
            """CREATE TABLE claims (
                claim_id VARCHAR PRIMARY KEY, claim VARCHAR NOT NULL, date VARCHAR, url VARCHAR)""",
            """CREATE TABLE claim_matches (
                claim_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL, content_hash VARCHAR NOT NULL,
                start INTEGER NOT NULL, "end" INTEGER NOT NULL, sentence VARCHAR NOT NULL,
                score DOUBLE NOT NULL, encoder VARCHAR NOT NULL)""",
        ),
    ),
    Migration(
        3,
        "batch jobs submitted over HTTP",
        (
            "CREATE SEQUENCE job_ids START 1",
            """CREATE TABLE jobs (
                job_id INTEGER PRIMARY KEY DEFAULT nextval('job_ids'),
                created_at TIMESTAMP NOT NULL,
                started_at TIMESTAMP,
                finished_at TIMESTAMP,
                status VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                input_path VARCHAR NOT NULL,
                n_total INTEGER NOT NULL,
                run_id INTEGER,
                problem VARCHAR NOT NULL DEFAULT '')""",
        ),
    ),
)

LATEST = MIGRATIONS[-1].version


def applied_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The migration numbers recorded in the database, in order."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    return [
        int(r[0]) for r in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    ]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply every missing migration in order; returns the numbers applied now."""
    done = set(applied_versions(con))
    newly: list[int] = []
    for m in MIGRATIONS:
        if m.version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for sql in m.statements:
                con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, current_timestamp::TIMESTAMP)",
                [m.version, m.name],
            )
            con.execute("COMMIT")
        except duckdb.Error:
            con.execute("ROLLBACK")
            raise
        newly.append(m.version)
    return newly
