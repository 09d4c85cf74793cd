"""Shared fixtures: the app on SQLite and on PostgreSQL, one rolled-back transaction per test.

Every test that asks for ``app``, ``db_session`` or ``client`` runs twice, once per
database. Tests that need committed data in other processes (workers, the embedded
system) build their own databases; see tests/tasks/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import scoped_session, sessionmaker

from avvik.app import create_app
from avvik.extensions import db
from config import TestingConfig
from tests.services import fresh_postgres_database

DATABASES = ("sqlite", "postgresql")


def make_test_config(database_url: str, instance_dir: Path) -> TestingConfig:
    os.environ["AVVIK_INSTANCE_DIR"] = str(instance_dir)
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    return config


@pytest.fixture(scope="session", params=DATABASES)
def app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Flask]:
    """The app on an empty database of each kind, its tables made once per run.

    Tables come from the models here (fast); tests/test_migrations.py proves that the
    migrations build the very same schema from an empty database.
    """
    instance_dir = tmp_path_factory.mktemp(f"instance-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{instance_dir / 'test.sqlite3'}"
        yield from _app_with_tables(url, instance_dir)
    else:
        with fresh_postgres_database() as url:
            yield from _app_with_tables(url, instance_dir)


def _app_with_tables(url: str, instance_dir: Path) -> Iterator[Flask]:
    application = create_app(make_test_config(url, instance_dir))
    with application.app_context():
        db.create_all()
        db.session.remove()
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def db_session(app: Flask) -> Iterator[object]:
    """A session whose every commit is a SAVEPOINT inside one transaction rolled back."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        # A plain SQLAlchemy session bound to the one connection: Flask-SQLAlchemy's own
        # session class would pick the engine (a second connection) for mapped queries.
        db.session = scoped_session(sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        ))
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app: Flask, db_session: object) -> FlaskClient:
    return app.test_client()


CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def post_form(client: FlaskClient, url: str, data: dict, *, follow_redirects: bool = False,
              token_from: str | None = None):
    """Post a form the way a browser does: read the page's CSRF token first."""
    page = client.get(token_from or url)
    payload = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), **data}
    return client.post(url, data=payload, follow_redirects=follow_redirects)


def login(client: FlaskClient, username: str, password: str):
    return post_form(client, "/auth/login", {"username": username, "password": password})
