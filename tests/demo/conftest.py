"""The demo data loaded once per module and database, for the read-only history tests.

Loading the default history takes seconds, so the history tests share one load inside
one transaction that is rolled back at the end of the module (like ``db_session``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy.orm import scoped_session, sessionmaker

from avvik.demo.services import DemoSummary, load_demo_data
from avvik.extensions import db

#: A fixed "today" (a Monday morning in Oslo) so that the history is the same every run.
NOW = datetime(2026, 3, 16, 8, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo_history(app: Flask) -> Iterator[DemoSummary]:
    """The default demo data (3,200 cases up to NOW), rolled back after the module."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = scoped_session(sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False,
        ))
        try:
            yield load_demo_data(now=NOW)
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()
