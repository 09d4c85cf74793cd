"""The migration makes the audit trail's triggers as create_all does, and keeps the
entries written before it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from avvik.app import create_app
from avvik.audit.guard import REFUSAL
from avvik.audit.models import AuditEntry
from avvik.core.sql import dialect_name
from avvik.extensions import db
from tests.conftest import make_test_config
from tests.services import fresh_postgres_database

BEFORE, TRAIL = "e1a2b3c4d5e6", "e0a1b2c3d4e5"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "sqlite":
        yield create_app(make_test_config(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path))
        return
    with fresh_postgres_database("avvik_audit_migrate") as url:
        application = create_app(make_test_config(url, tmp_path))
        yield application
        with application.app_context():
            db.engine.dispose()


def triggers() -> dict[str, str]:
    """The audit table's triggers (and PostgreSQL's function), by name, as defined."""
    if dialect_name() == "postgresql":
        query = ("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger "
                 "WHERE tgrelid = 'audit_entries'::regclass AND NOT tgisinternal "
                 "UNION ALL SELECT proname, prosrc FROM pg_proc "
                 "WHERE proname = 'audit_entries_refuse_change'")
    else:
        query = ("SELECT name, sql FROM sqlite_master "
                 "WHERE type = 'trigger' AND tbl_name = 'audit_entries'")
    found = dict(db.session.execute(text(query)).all())
    db.session.remove()  # no transaction left open for the migrations to wait for
    return found


def test_the_migration_keeps_old_entries_and_refuses_changes_as_create_all_does(
        empty_database_app: Flask):
    with empty_database_app.app_context():
        upgrade(revision=BEFORE)
        # The users table as it was then (the model has columns of later migrations).
        kari_id = db.session.execute(text(
            "INSERT INTO users (username, full_name, email, password_hash, is_active, "
            "is_admin, created_at) VALUES ('kari', 'Kari Nordmann', 'kari@example.org', "
            "'-', true, false, CURRENT_TIMESTAMP) RETURNING id")).scalar_one()
        db.session.execute(text(
            "INSERT INTO audit_entries (at, actor_id, action, object_type, object_id, reason) "
            "VALUES (CURRENT_TIMESTAMP, :actor, 'identity.viewed', 'report', 3, 'Oppfølging')"
        ), {"actor": kari_id})
        db.session.commit()
        db.session.remove()
        upgrade(revision=TRAIL)
        migrated = triggers()
        old = db.session.scalars(select(AuditEntry)).one()
        assert (old.actor_username, old.actor_name, old.detail, old.reason) == (
            "kari", "Kari Nordmann", {}, "Oppfølging")
        with pytest.raises(IntegrityError, match=REFUSAL):
            db.session.execute(text("DELETE FROM audit_entries"))
        db.session.rollback()
        db.session.remove()
        downgrade(revision=BEFORE)
        assert triggers() == {}
        upgrade()
        db.session.remove()
        downgrade(revision="base")
        db.create_all()
        made = triggers()
        db.drop_all()
    assert len(migrated) == (3 if "audit_entries_append_only" in migrated else 2)
    assert made == migrated
