"""The demo history, loaded once per run and database, for the read-only history tests.

Loading the default history takes the better part of a minute, so these tests share one
database of their own that holds it (committed), and each module works inside one
transaction that is rolled back at its end (like ``db_session``): nothing a test does
reaches the next module. Every test here runs in one test process (tests/conftest.py's
``pytest_collection_modifyitems``), so that the history is loaded once, not once per process.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.orm import scoped_session, sessionmaker

from avvik.demo.services import DemoSummary, load_demo_data
from avvik.extensions import db
from tests.conftest import DATABASES, app_on_empty_database
from tests.demo.clock import NOW


@pytest.fixture(scope="session", params=DATABASES)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Flask]:
    """Here, the app on a database of its own that holds the demo history."""
    yield from app_on_empty_database(
        request.param, tmp_path_factory.mktemp(f"demo-history-{request.param}"))


@pytest.fixture(scope="session")
def demo_summary(app: Flask) -> DemoSummary:
    """The default demo data (3,200 cases up to NOW), committed once."""
    with app.app_context():
        summary = load_demo_data(now=NOW)
        db.session.commit()
        db.session.remove()
    return summary


@pytest.fixture(scope="module")
def demo_history(app: Flask, demo_summary: DemoSummary) -> Iterator[DemoSummary]:
    """The demo history, read in one transaction rolled back after the module."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = scoped_session(sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
        ))
        try:
            yield demo_summary
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()
