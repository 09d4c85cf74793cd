"""The migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade

from avvik.app import create_app
from avvik.extensions import db
from tests.conftest import make_test_config
from tests.services import fresh_postgres_database


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
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ: {differences}"
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(db.inspect(connection).get_table_names())
        assert tables <= {"alembic_version"}
