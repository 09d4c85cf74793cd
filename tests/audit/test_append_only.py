"""Audit entries cannot be changed or deleted: not through the ORM, not in plain SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from avvik.audit.guard import REFUSAL, AuditEntryImmutable
from avvik.audit.models import AuditEntry
from avvik.audit.services import audit
from avvik.core.sql import dialect_name
from avvik.extensions import db
from tests.factories import make_user


@pytest.fixture
def entry(db_session) -> AuditEntry:
    kari = make_user("kari", full_name="Kari Nordmann")
    audit("report.read", "report", 7, actor=kari, detail={"via": "page"})
    return db.session.scalars(select(AuditEntry)).one()


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET action = 'auth.signed_in'",
    "UPDATE audit_entries SET actor_id = NULL, actor_name = 'Someone else'",
    "DELETE FROM audit_entries",
])
def test_the_database_refuses_to_change_or_delete_an_entry(entry, statement):
    with pytest.raises(IntegrityError, match=REFUSAL), db.session.begin_nested():
        db.session.execute(text(statement))
    db.session.expire_all()
    kept = db.session.scalars(select(AuditEntry)).one()
    assert (kept.action, kept.actor_name, kept.object_id) == ("report.read", "Kari Nordmann", 7)


def test_postgresql_refuses_to_truncate_the_entries(entry):
    if dialect_name() != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    with pytest.raises(IntegrityError, match=REFUSAL), db.session.begin_nested():
        db.session.execute(text("TRUNCATE audit_entries"))
    assert db.session.scalar(select(AuditEntry.id)) == entry.id


@pytest.mark.parametrize("change", ["update", "delete"])
def test_the_orm_refuses_to_flush_a_changed_or_deleted_entry(entry, change):
    if change == "update":
        entry.reason = "rewritten"
    else:
        db.session.delete(entry)
    # Refused before any statement is sent: the flush fails and is rolled back.
    with pytest.raises(AuditEntryImmutable, match=f"{REFUSAL}: {change.upper()}"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    update(AuditEntry).values(action="auth.signed_in"),
    delete(AuditEntry),
])
def test_the_orm_refuses_update_and_delete_statements(entry, statement):
    with pytest.raises(AuditEntryImmutable, match=REFUSAL):
        db.session.execute(statement)
    assert db.session.scalars(select(AuditEntry.action)).all() == ["report.read"]
