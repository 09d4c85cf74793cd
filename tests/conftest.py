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
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session
from werkzeug.test import TestResponse

from avvik.app import create_app
from avvik.core import smtp
from avvik.extensions import db
from config import TestingConfig
from tests.reports.world import World, build_world
from tests.services import fresh_postgres_database

#: ``clock`` and ``system_clock``, the only way a test learns the time, and the date lane;
#: how the tests are shared among parallel processes.
pytest_plugins = ["tests.clock", "tests.parallel"]

DATABASES = ("sqlite", "postgresql")
TRANSLATIONS = Path(__file__).resolve().parents[1] / "avvik" / "translations"


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the catalogues when the .po is newer than the .mo (make does it too)."""
    from babel.messages.frontend import CommandLineInterface

    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(TRANSLATIONS)])
            return


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
    yield from app_on_empty_database(request.param,
                                     tmp_path_factory.mktemp(f"instance-{request.param}"))


def app_on_empty_database(kind: str, instance_dir: Path) -> Iterator[Flask]:
    """The app on a new database of ``kind`` ("sqlite" or "postgresql") with its tables."""
    if kind == "sqlite":
        yield from _app_with_tables(f"sqlite:///{instance_dir / 'test.sqlite3'}", instance_dir)
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


class ConnectionBoundSession(Session):
    """Flask-SQLAlchemy's session, but every statement goes to the test's connection.

    Its own ``get_bind`` picks the app's engine for mapped classes (a second connection),
    which would escape the rolled-back transaction and, on SQLite, wait for its lock.
    """

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None,
                 **kwargs: Any) -> Any:
        return bind if bind is not None else self.bind


@pytest.fixture
def db_session(app: Flask) -> Iterator[object]:
    """A session whose every commit is a SAVEPOINT inside one transaction rolled back."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = db._make_scoped_session({
            "bind": connection, "join_transaction_mode": "create_savepoint",
            "class_": ConnectionBoundSession,
        })
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class FreshContextClient(FlaskClient):
    """Each request in an app context of its own, as in production.

    Otherwise requests would reuse the test's context: ``g`` (Flask-Login's cached user,
    Flask-WTF's CSRF token, ``g.csrf_failed``) and the database session would leak from
    one request into the next. Every request's session joins the test's transaction.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        # Buffered: a streamed download is read to its end inside this context (its
        # generator holds the request's context until then, as in production).
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


def new_browser(app: Flask) -> FlaskClient:
    """Another browser, with cookies of its own."""
    return FreshContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture(autouse=True)
def no_failed_attempts_counted(request: pytest.FixtureRequest) -> None:
    """Every test starts with no failed sign-ins counted: the app lives for the whole run,
    and so would its rate limits (in memory under TestingConfig) from test to test."""
    if "app" in request.fixturenames:
        request.getfixturevalue("app").extensions["avvik.limiter"].reset()


@pytest.fixture(autouse=True)
def kept_smtp_connection_closed() -> Iterator[None]:
    """The process's kept SMTP connection (avvik/core/smtp.py) ends with the test that
    opened it, as it ends with a worker process."""
    yield
    smtp.close()


@pytest.fixture
def client(app: Flask, db_session: object) -> FlaskClient:
    return new_browser(app)


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


@pytest.fixture
def world(db_session: object) -> World:
    """A small health community with people on both sides of a case (tests/reports/world)."""
    return build_world()
