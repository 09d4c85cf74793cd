"""The migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from avvik.api.models import ApiToken
from avvik.api.services import create_token
from avvik.app import create_app
from avvik.core.timeutil import OSLO
from avvik.core.workdays import working_days_between
from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.search_index import outside_the_models
from tests.conftest import make_test_config
from tests.factories import make_user
from tests.reports.world import build_world
from tests.services import fresh_postgres_database
from tests.stats.data import make_case


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    if request.param == "sqlite":
        yield create_app(make_test_config(f"sqlite:///{tmp_path / 'm.sqlite3'}", tmp_path))
        return
    with fresh_postgres_database("avvik_migrate") as url:
        application = create_app(make_test_config(url, tmp_path))
        yield application
        with application.app_context():
            db.engine.dispose()


def test_migrations_match_the_models_and_run_both_ways(empty_database_app: Flask):
    with empty_database_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "include_name": outside_the_models})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names())
        assert tables <= {"alembic_version"}



def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


#: (routed, acknowledged, answered) of cases written before the columns existed.
BACKFILLED = {
    # Maundy Thursday, Good Friday and Easter Monday 2026 are holidays.
    "easter": (oslo(2026, 4, 1, 10), oslo(2026, 4, 7, 9), oslo(2026, 4, 9, 15)),
    # Christmas Day, Boxing Day and New Year's Day; 24 and 31 December are working days.
    "new_year": (oslo(2026, 12, 23, 12), oslo(2026, 12, 28, 8), oslo(2027, 1, 4, 13)),
    # Tuesday 00:30 in Oslo is Monday in UTC: answered the same Oslo day.
    "utc_midnight": (datetime(2026, 3, 2, 23, 30, tzinfo=UTC), None, oslo(2026, 3, 3, 15)),
    # Saturday 00:30 to Monday 00:30 in Oslo, over the change to summer time.
    "summer_time": (oslo(2026, 3, 28, 0, 30), None, oslo(2026, 3, 30, 0, 30)),
    "acknowledged_only": (oslo(2026, 3, 2, 9), oslo(2026, 3, 4, 9), None),
    "not_yet_acknowledged": (oslo(2026, 3, 2, 9), None, None),
}
BACKFILLED_DAYS = {"easter": (1, 3), "new_year": (2, 6), "utc_midnight": (None, 0),
                   "summer_time": (None, 1), "acknowledged_only": (2, None),
                   "not_yet_acknowledged": (None, None)}


def test_the_working_days_backfill_counts_as_the_services_do(empty_database_app: Flask):
    # Cases written before the columns existed: migrate down past them and up again.
    with empty_database_app.app_context():
        upgrade()
        world = build_world()
        ids = {name: make_case(world, status=ReportStatus.ANSWERED, routed_at=routed,
                               acknowledged_at=acknowledged, answered_at=answered,
                               acknowledge_working_days=None, answer_working_days=None).id
               for name, (routed, acknowledged, answered) in BACKFILLED.items()}
        db.session.commit()
        db.session.remove()
        downgrade(revision="37be0f0d8837")
        upgrade()
        stored = {row.id: (row.acknowledge_working_days, row.answer_working_days)
                  for row in db.session.execute(select(
                      Report.id, Report.acknowledge_working_days, Report.answer_working_days))}
        db.session.remove()
    expected = {name: tuple(None if end is None else working_days_between(routed, end)
                            for end in (acknowledged, answered))
                for name, (routed, acknowledged, answered) in BACKFILLED.items()}
    assert expected == BACKFILLED_DAYS
    assert {name: stored[ids[name]] for name in BACKFILLED} == BACKFILLED_DAYS


def test_tokens_made_before_expiry_existed_get_the_default_lifetime(empty_database_app: Flask,
                                                                    clock):
    with empty_database_app.app_context():
        upgrade()
        token_id = create_token(make_user("kari"), "old")[0].id
        db.session.commit()
        db.session.remove()
        downgrade(revision="c6a7b8c9d0e1")
        clock.shift(timedelta(days=3))
        upgrade()
        expires_at = db.session.scalar(select(ApiToken.expires_at).filter_by(id=token_id))
        db.session.remove()
    assert expires_at == clock.now + timedelta(days=90)
