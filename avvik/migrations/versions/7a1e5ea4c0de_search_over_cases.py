"""search over cases

Revision ID: 7a1e5ea4c0de
Revises: 64f196d2065b
Create Date: 2026-12-07 09:00:00.000000

The search index of cases (avvik/reports/search_index.py): a report's free text and its
comments, never the patient's identity. PostgreSQL: GIN indexes on Norwegian tsvector
expressions. SQLite: FTS5 tables over reports and the comments, kept by triggers. The
cases already there are indexed here. The statements are copied, as they were at this
revision, so that a later change to the index comes with a migration of its own.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7a1e5ea4c0de'
down_revision = '64f196d2065b'
branch_labels = None
depends_on = None

FIELDS = ('description', 'immediate_measures', 'suggestion', 'answer_cause',
          'answer_measures')
COLUMNS = ', '.join(FIELDS)
TOKENIZE = 'unicode61 remove_diacritics 0'


def values(row):
    return ', '.join(f'{row}.{name}' for name in FIELDS)


POSTGRESQL = [
    # Made in one pass over the rows, which also indexes the cases already there.
    "CREATE INDEX ix_reports_search ON reports USING gin (to_tsvector('norwegian'::regconfig, "
    + " || ' ' || ".join(f"coalesce({name}, '')" for name in FIELDS) + "))",
    "CREATE INDEX ix_report_events_comment_search ON report_events USING gin "
    "(to_tsvector('norwegian'::regconfig, text)) WHERE kind = 'comment'",
]

SQLITE = [
    f"CREATE VIRTUAL TABLE reports_fts USING fts5({COLUMNS}, content='reports', "
    f"content_rowid='id', tokenize='{TOKENIZE}')",
    f"CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN "
    f"INSERT INTO reports_fts(rowid, {COLUMNS}) VALUES (new.id, {values('new')}); END",
    f"CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN "
    f"INSERT INTO reports_fts(reports_fts, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, {values('old')}); END",
    f"CREATE TRIGGER reports_fts_update AFTER UPDATE OF {COLUMNS} ON reports BEGIN "
    f"INSERT INTO reports_fts(reports_fts, rowid, {COLUMNS}) "
    f"VALUES ('delete', old.id, {values('old')}); "
    f"INSERT INTO reports_fts(rowid, {COLUMNS}) VALUES (new.id, {values('new')}); END",
    f"CREATE VIRTUAL TABLE report_comments_fts USING fts5(text, content='report_events', "
    f"content_rowid='id', tokenize='{TOKENIZE}')",
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
    # The cases and comments already there.
    "INSERT INTO reports_fts(reports_fts) VALUES ('rebuild')",
    "INSERT INTO report_comments_fts(rowid, text) "
    "SELECT id, text FROM report_events WHERE kind = 'comment'",
]


def upgrade():
    postgres = op.get_bind().dialect.name == 'postgresql'
    for statement in POSTGRESQL if postgres else SQLITE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_report_events_comment_search')
        op.execute('DROP INDEX IF EXISTS ix_reports_search')
    else:  # the triggers go with the tables they watch only: drop them by name
        for trigger in ('reports_fts_insert', 'reports_fts_delete', 'reports_fts_update',
                        'report_comments_fts_insert', 'report_comments_fts_delete',
                        'report_comments_fts_update'):
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
        op.execute('DROP TABLE IF EXISTS report_comments_fts')
        op.execute('DROP TABLE IF EXISTS reports_fts')
