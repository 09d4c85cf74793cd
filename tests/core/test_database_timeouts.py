"""The timeouts that end a wait on the database, and which errors count as an outage.

On real PostgreSQL a statement waiting on a lock that another process holds (a long
migration, a stuck job) is cancelled by the web server's statement timeout, and the
request answers 503; on SQLite a lock held too long does the same. A fault of ours, such
as a missing table, stays an error and is not passed off as an outage.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

import config
from avvik.api.services import create_token
from avvik.app import create_app
from avvik.core.outage import recover_from_outage
from avvik.extensions import db
from avvik.users.models import User
from tests.conftest import csrf_token_from, login, make_test_config, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.services import fresh_postgres_database

# A statement that is never cancelled fails the test on this bound instead of hanging.
pytestmark = pytest.mark.timeout(120)


def app_with_user(url: str, tmp_path, statement_timeout: float = 0) -> tuple[Flask, str]:
    """The app on ``url`` with its tables, the user kari and an API token of hers."""
    settings = make_test_config(url, tmp_path)
    settings.DB_STATEMENT_TIMEOUT_SECONDS = statement_timeout
    app = create_app(settings)
    with app.app_context():
        db.create_all()
        _token, plain = create_token(make_user("kari", locale="en"), "monitoring")
        db.session.commit()
    return app, plain


@pytest.fixture
def stuck_postgres(tmp_path) -> Iterator[tuple[Flask, sa.Engine, str]]:
    """The app on real PostgreSQL with a short statement timeout, and an engine that
    stands for another process holding locks."""
    with fresh_postgres_database() as url:
        app, plain = app_with_user(url, tmp_path, statement_timeout=0.5)
        other = sa.create_engine(url)
        yield app, other, plain
        other.dispose()
        with app.app_context():
            db.engine.dispose()


@contextlib.contextmanager
def held(engine: sa.Engine, statement: str) -> Iterator[None]:
    """Run ``statement`` in a transaction of its own and keep its locks until the end."""
    with engine.connect() as connection:
        transaction = connection.begin()
        connection.execute(sa.text(statement))
        try:
            yield
        finally:
            transaction.rollback()


def test_a_page_stuck_on_a_lock_is_cancelled_with_503(stuck_postgres, caplog):
    app, other, _plain = stuck_postgres
    browser = new_browser(app)
    assert login(browser, "kari", DEFAULT_PASSWORD).status_code == 302
    with held(other, "LOCK TABLE login_sessions IN ACCESS EXCLUSIVE MODE"), \
            caplog.at_level(logging.WARNING):
        response = browser.get("/reports/")
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert "Please try again in a little while." in response.get_data(as_text=True)
    assert "QueryCanceled 57014" in caplog.text  # the statement timeout, nothing else
    assert browser.get("/reports/").status_code == 200  # and the next request is served


def test_an_api_call_stuck_on_a_lock_answers_problem_details(stuck_postgres):
    app, other, plain = stuck_postgres
    with held(other, "LOCK TABLE api_tokens IN ACCESS EXCLUSIVE MODE"):
        response = new_browser(app).get("/api/v1/reports",
                                         headers={"Authorization": f"Bearer {plain}"})
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 503


def test_a_change_stuck_on_a_row_lock_is_not_saved_and_says_so(stuck_postgres):
    app, other, _plain = stuck_postgres
    browser = new_browser(app)
    login(browser, "kari", DEFAULT_PASSWORD)
    token = csrf_token_from(browser.get("/auth/profile").get_data(as_text=True))
    with held(other, "SELECT id FROM users WHERE username = 'kari' FOR UPDATE"):
        response = browser.post("/auth/profile/language",
                                data={"csrf_token": token, "locale": "nb"})
    assert response.status_code == 503
    assert "so what you sent was not saved" in response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.execute(sa.select(User.locale).filter_by(username="kari"))
        assert saved.scalar_one() == "en"


def test_a_sqlite_lock_held_too_long_answers_503(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "SQLITE_BUSY_TIMEOUT_SECONDS", 0)
    path = tmp_path / "avvik.sqlite3"
    app, plain = app_with_user(f"sqlite:///{path}", tmp_path)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process writing
        response = new_browser(app).get("/api/v1/reports",
                                        headers={"Authorization": f"Bearer {plain}"})
    finally:
        holder.close()
        with app.app_context():
            db.engine.dispose()
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"


def test_a_missing_table_is_a_fault_not_an_outage(tmp_path):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path))
    with pytest.raises(sa.exc.OperationalError, match="no such table"):
        new_browser(app).get("/api/v1/reports", headers={"Authorization": "Bearer " + "t" * 43})
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(("method", "commits", "outcome"), [
    ("GET", True, "read"), ("POST", False, "not_saved"), ("POST", True, "in_doubt")])
def test_the_outcome_says_whether_a_commit_went_out(tmp_path, method, commits, outcome):
    app = create_app(make_test_config(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path))
    lost = sa.exc.OperationalError("COMMIT", {}, ConnectionResetError("connection lost"))
    with app.app_context():
        db.create_all()
    with app.test_request_context("/auth/profile/language", method=method):
        make_user("kari")
        if commits:
            db.session.commit()
        assert recover_from_outage(lost) == outcome
    with app.app_context():
        db.engine.dispose()


def test_only_the_web_server_bounds_its_statements(monkeypatch):
    monkeypatch.setenv("AVVIK_DATABASE_URL", "postgresql://db.example/avvik")
    monkeypatch.setenv("AVVIK_DB_STATEMENT_TIMEOUT_SECONDS", "12")
    web = config.load_config("testing", web=True).SQLALCHEMY_ENGINE_OPTIONS
    others = config.load_config("testing").SQLALCHEMY_ENGINE_OPTIONS
    assert web["connect_args"] == {"connect_timeout": 5,
                                   "options": "-c statement_timeout=12000 -c jit=off"}
    assert others["connect_args"] == {"connect_timeout": 5}
    assert web["pool_timeout"] == others["pool_timeout"] == 5


def test_what_the_database_url_sets_wins():
    url = "postgresql+psycopg://db.example/avvik?connect_timeout=9&options=-c%20work_mem%3D8MB"
    options = config.database_engine_options(url, 5, 20)
    assert options["connect_args"] == {
        "options": "-c work_mem=8MB -c statement_timeout=20000 -c jit=off"}
    jit_on = config.database_engine_options(f"{url}%20-c%20jit%3Don", 5, 20)
    assert jit_on["connect_args"]["options"] == (
        "-c work_mem=8MB -c jit=on -c statement_timeout=20000")
    # No timeout, no startup options of ours (a PgBouncer may refuse them).
    assert config.database_engine_options(url, 5, 0)["connect_args"] == {}


def test_a_connect_timeout_below_libpqs_least_is_refused(monkeypatch):
    monkeypatch.setenv("AVVIK_DB_CONNECT_TIMEOUT_SECONDS", "1")
    with pytest.raises(config.ConfigError, match="AVVIK_DB_CONNECT_TIMEOUT_SECONDS"):
        config.load_config("testing")
