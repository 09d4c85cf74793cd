"""The search index of cases: what it holds, and the statements that make it.

It holds the words of a report's free text (``INDEXED_FIELDS``) and of its comments, and
nothing else: the patient's identity lives only in the vault (``patient_identities``,
encrypted) and is never indexed.

- PostgreSQL: GIN indexes on ``to_tsvector('norwegian', …)`` of those columns; the
  queries (avvik/reports/search.py) repeat the very expression so the planner uses them.
- SQLite: FTS5 tables whose content stays in ``reports`` and ``report_events``, kept in
  step by triggers in the same transaction as the change.

The migration 7a1e5ea4c0de makes them in a migrated database, the hooks below when the
tables are made from the models (``create_all``: tests, benchmarks). They are not part of
the models' metadata, so Alembic's comparison leaves them out (``outside_the_models``).
A later migration that rebuilds ``reports`` or ``report_events`` on SQLite (a batch
ALTER copies the table) drops their triggers with the table and must make them again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DDL, event

from avvik.reports.models import ReportEvent

#: The report's own free text: what happened, what was done at once, the reporter's
#: suggestion, and the receiving side's answer.
INDEXED_FIELDS = ("description", "immediate_measures", "suggestion", "answer_cause",
                  "answer_measures")
#: The tokenizer keeps å distinct from a ("får" is not "far"); case is folded.
_TOKENIZE = "unicode61 remove_diacritics 0"
_FIELDS = ", ".join(INDEXED_FIELDS)


def _values(row: str) -> str:
    return ", ".join(f"{row}.{name}" for name in INDEXED_FIELDS)


#: PostgreSQL: the documents, as search.py builds them too.
_PG_REPORT_TEXT = " || ' ' || ".join(f"coalesce({name}, '')" for name in INDEXED_FIELDS)
_PG_REPORT_DOCUMENT = f"to_tsvector('norwegian'::regconfig, {_PG_REPORT_TEXT})"
POSTGRESQL = [
    f"CREATE INDEX ix_reports_search ON reports USING gin ({_PG_REPORT_DOCUMENT})",
    "CREATE INDEX ix_report_events_comment_search ON report_events USING gin "
    "(to_tsvector('norwegian'::regconfig, text)) WHERE kind = 'comment'",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS ix_report_events_comment_search",
                   "DROP INDEX IF EXISTS ix_reports_search"]

SQLITE = [
    f"CREATE VIRTUAL TABLE reports_fts USING fts5({_FIELDS}, content='reports', "
    f"content_rowid='id', tokenize='{_TOKENIZE}')",
    f"CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN "
    f"INSERT INTO reports_fts(rowid, {_FIELDS}) VALUES (new.id, {_values('new')}); END",
    f"CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN "
    f"INSERT INTO reports_fts(reports_fts, rowid, {_FIELDS}) "
    f"VALUES ('delete', old.id, {_values('old')}); END",
    f"CREATE TRIGGER reports_fts_update AFTER UPDATE OF {_FIELDS} ON reports BEGIN "
    f"INSERT INTO reports_fts(reports_fts, rowid, {_FIELDS}) "
    f"VALUES ('delete', old.id, {_values('old')}); "
    f"INSERT INTO reports_fts(rowid, {_FIELDS}) VALUES (new.id, {_values('new')}); END",
    # Only comments: the other events' texts are reasons for steps, not the case's matter.
    f"CREATE VIRTUAL TABLE report_comments_fts USING fts5(text, content='report_events', "
    f"content_rowid='id', tokenize='{_TOKENIZE}')",
    "CREATE TRIGGER report_comments_fts_insert AFTER INSERT ON report_events "
    "WHEN new.kind = 'comment' BEGIN "
    "INSERT INTO report_comments_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER report_comments_fts_delete AFTER DELETE ON report_events "
    "WHEN old.kind = 'comment' BEGIN INSERT INTO report_comments_fts(report_comments_fts, "
    "rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER report_comments_fts_update AFTER UPDATE OF kind, text ON report_events "
    "BEGIN INSERT INTO report_comments_fts(report_comments_fts, rowid, text) "
    "SELECT 'delete', old.id, old.text WHERE old.kind = 'comment'; "
    "INSERT INTO report_comments_fts(rowid, text) "
    "SELECT new.id, new.text WHERE new.kind = 'comment'; END",
]
#: Rows already there (the migration): every report, and the comments only.
SQLITE_FILL = [
    "INSERT INTO reports_fts(reports_fts) VALUES ('rebuild')",
    "INSERT INTO report_comments_fts(rowid, text) "
    "SELECT id, text FROM report_events WHERE kind = 'comment'",
]
TRIGGERS = ("reports_fts_insert", "reports_fts_delete", "reports_fts_update",
            "report_comments_fts_insert", "report_comments_fts_delete",
            "report_comments_fts_update")
SQLITE_DROP = [*(f"DROP TRIGGER IF EXISTS {name}" for name in TRIGGERS),
               "DROP TABLE IF EXISTS report_comments_fts", "DROP TABLE IF EXISTS reports_fts"]

#: Names of what the statements above make, and of FTS5's own shadow tables.
NAMES = {"ix_reports_search", "ix_report_events_comment_search"}
PREFIXES = ("reports_fts", "report_comments_fts")


def outside_the_models(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic's ``include_name``: False for the search index's tables and indexes, which
    the models do not describe."""
    return not (name and (name in NAMES or name.startswith(PREFIXES)))


def _hook(table: Any, when: str, statements: list[str], dialect: str) -> None:
    for statement in statements:
        event.listen(table, when, DDL(statement).execute_if(dialect=dialect))


# The comments' index needs both tables: made after the later of the two, dropped before
# the first of them goes.
_hook(ReportEvent.__table__, "after_create", SQLITE, "sqlite")
_hook(ReportEvent.__table__, "after_create", POSTGRESQL, "postgresql")
_hook(ReportEvent.__table__, "before_drop", SQLITE_DROP, "sqlite")
_hook(ReportEvent.__table__, "before_drop", POSTGRESQL_DROP, "postgresql")
