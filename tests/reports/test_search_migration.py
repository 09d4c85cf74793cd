"""The migration makes the search index as the models' hooks do, and indexes the cases
and comments already there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import downgrade, stamp, upgrade
from sqlalchemy import text

from avvik.app import create_app
from avvik.core.sql import dialect_name
from avvik.extensions import db
from avvik.reports.models import ReportEvent
from avvik.reports.queries import ReportFilter, list_reports
from avvik.users.models import User
from tests.conftest import make_test_config
from tests.reports.world import build_world
from tests.services import fresh_postgres_database
from tests.stats.data import make_case

BEFORE, SEARCH = "64f196d2065b", "7a1e5ea4c0de"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "sqlite":
        yield create_app(make_test_config(f"sqlite:///{tmp_path / 's.sqlite3'}", tmp_path))
        return
    with fresh_postgres_database("avvik_search_migrate") as url:
        application = create_app(make_test_config(url, tmp_path))
        yield application
        with application.app_context():
            db.engine.dispose()


def search_objects() -> dict[str, str]:
    """The search index's tables, triggers and indexes, by name, as the database has them."""
    if dialect_name() == "postgresql":
        query = ("SELECT indexname, indexdef FROM pg_indexes "
                 "WHERE indexname LIKE '%search'")
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE name LIKE 'report%fts%'"
    objects = dict(db.session.execute(text(query)).all())
    db.session.remove()  # no transaction left open for the migrations to wait for
    return objects


def found(user, words: str) -> set[int]:
    return {r.id for r in list_reports(user, ReportFilter(search=words)).items}


def test_the_migration_indexes_cases_already_there_as_create_all_would(
        empty_database_app: Flask):
    with empty_database_app.app_context():
        upgrade()
        migrated = search_objects()
        world = build_world()
        report = make_case(world, description="Katetret ble ikke skiftet.")
        db.session.add(ReportEvent(report_id=report.id, kind="comment",
                                   text="Gjelder også nattevakten."))
        db.session.commit()
        admin_id, report_id = world.admin.id, report.id
        db.session.remove()
        # As if the cases were there before the index: this migration alone, down and up.
        stamp(revision=SEARCH)
        downgrade(revision=BEFORE)
        assert search_objects() == {}
        upgrade(revision=SEARCH)
        stamp(revision="head")
        assert search_objects() == migrated
        admin = db.session.get(User, admin_id)
        assert found(admin, "katetret") == found(admin, "nattevakten") == {report_id}
        db.session.remove()
        db.drop_all()
        db.create_all()
        made = search_objects()
        db.session.remove()
        db.drop_all()
    assert len(migrated) == (2 if "ix_reports_search" in migrated else 2 + 6 + 2 * 4)
    assert made == migrated
