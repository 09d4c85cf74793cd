"""Audit entries are never changed: the ORM refuses, and so does the database.

The ORM: a flush that would update or delete an ``AuditEntry`` raises, and so does an
ORM ``update()``/``delete()`` statement aimed at it. The database: a trigger on
``audit_entries`` raises on every UPDATE and DELETE (and, on PostgreSQL, TRUNCATE), so a
statement of plain SQL, another program or a slip at the psql prompt is refused too.
Only dropping the table (a downgrade) gets rid of the rows, which needs the schema's owner.

The migration e0a1b2c3d4e5 makes the triggers in a migrated database, the hooks below
when the tables are made from the models (``create_all``: tests, benchmarks), as
avvik/reports/search_index.py does for the search index. Alembic compares no triggers.
A later migration that rebuilds ``audit_entries`` on SQLite (a batch ALTER copies the
table) drops its triggers with the old table and must make them again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DDL, event
from sqlalchemy.orm import ORMExecuteState, Session

from avvik.audit.models import AuditEntry

#: What the database says when asked to change an entry; the tests look for it.
REFUSAL = "audit entries are append-only"

POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION audit_entries_refuse_change() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    # No "%" placeholder: DDL() and the drivers would each read it as their own.
    f"RAISE EXCEPTION USING MESSAGE = '{REFUSAL}: ' || TG_OP || ' refused', "
    "ERRCODE = 'restrict_violation'; "
    "END $$",
    "CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse_change()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse_change()",
]
#: Dropping the table drops its triggers; the function stays until dropped after it.
POSTGRESQL_AFTER_DROP = ["DROP FUNCTION IF EXISTS audit_entries_refuse_change()"]

SQLITE = [
    "CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused'); END",
    "CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused'); END",
]

#: The triggers' names, on either database.
TRIGGERS = ("audit_entries_append_only", "audit_entries_no_truncate",
            "audit_entries_no_update", "audit_entries_no_delete")


class AuditEntryImmutable(RuntimeError):
    """Code tried to change or delete an audit entry."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{REFUSAL}: {what} refused")


def _refuse_flush(what: str) -> Any:
    def refuse(_mapper: Any, _connection: Any, target: AuditEntry) -> None:
        raise AuditEntryImmutable(f"{what} of entry {target.id}")
    return refuse


def _refuse_statement(state: ORMExecuteState) -> None:
    """An ORM ``update(AuditEntry)`` or ``delete(AuditEntry)``, refused before it runs."""
    if not (state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == AuditEntry.__tablename__:
        raise AuditEntryImmutable("UPDATE" if state.is_update else "DELETE")


def _hook(when: str, statements: list[str], dialect: str) -> None:
    for statement in statements:
        event.listen(AuditEntry.__table__, when, DDL(statement).execute_if(dialect=dialect))


event.listen(AuditEntry, "before_update", _refuse_flush("UPDATE"))
event.listen(AuditEntry, "before_delete", _refuse_flush("DELETE"))
event.listen(Session, "do_orm_execute", _refuse_statement)
_hook("after_create", SQLITE, "sqlite")
_hook("after_create", POSTGRESQL, "postgresql")
_hook("after_drop", POSTGRESQL_AFTER_DROP, "postgresql")
