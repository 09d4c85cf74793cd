"""A database that is down or hung costs each request a 503 with Retry-After, not a 500
or a hang: the browser gets a calm page, the API problem details (RFC 9457), and
/health says so.

Two outages, each on every kind of request: PostgreSQL down (nothing listens on its
port: connection refused) and PostgreSQL hung (a server that accepts connections and
never says a word), where only the connect timeout ends the wait.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from avvik.app import create_app
from avvik.core.outage import RETRY_AFTER_SECONDS
from avvik.extensions import db
from tests.conftest import make_test_config, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD
from tests.services import free_port

# Without a connect timeout the hung database would hold a request for minutes: the
# test fails on pytest-timeout's bound instead of stalling the suite.
pytestmark = pytest.mark.timeout(60)


@contextlib.contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers, as a hung database does."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:  # shut down: the test is over
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        server.shutdown(socket.SHUT_RDWR)
        server.close()
        thread.join()
        for connection in accepted:
            connection.close()


@pytest.fixture(params=["refused", "silent"])
def down_app(request: pytest.FixtureRequest, tmp_path) -> Iterator[Flask]:
    """The app on a PostgreSQL that is down (refused) or hung (silent)."""
    with contextlib.ExitStack() as stack:
        port = free_port() if request.param == "refused" else stack.enter_context(
            silent_server())
        config = make_test_config(f"postgresql+psycopg://postgres@127.0.0.1:{port}/avvik",
                                  tmp_path)
        config.DB_CONNECT_TIMEOUT_SECONDS = 2  # the least libpq accepts
        application = create_app(config)
        yield application
        with application.app_context():
            db.engine.dispose()


def signed_in_browser(app: Flask) -> FlaskClient:
    """A browser that signed in before the outage: its cookie names a login session."""
    browser = new_browser(app)
    with browser.session_transaction() as session:
        session["_user_id"] = "the-token-of-an-open-login-session"
    return browser


def assert_calm_page(response: TestResponse, message: str) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "The service is briefly unavailable" in page
    assert message in page
    assert "Sign out" not in page  # nobody is shown as signed in: the user never loaded


def test_the_sign_in_page_of_a_signed_in_browser_is_the_calm_page(down_app: Flask):
    response = signed_in_browser(down_app).get("/auth/login")
    assert_calm_page(response, "Please try again in a little while.")


def test_a_page_behind_login_is_the_calm_page(down_app: Flask):
    response = signed_in_browser(down_app).get("/reports/")
    assert_calm_page(response, "Please try again in a little while.")


def test_signing_in_says_it_was_not_saved_and_logs_one_line_without_the_name(
        down_app: Flask, caplog: pytest.LogCaptureFixture):
    browser = new_browser(down_app)
    with caplog.at_level(logging.WARNING):
        response = post_form(browser, "/auth/login",
                             {"username": "kari.nordmann", "password": DEFAULT_PASSWORD})
    assert_calm_page(response, "so what you sent was not saved")
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert [record.name for record in warnings] == ["avvik.core.outage"]
    assert "auth.login" in caplog.text and "not_saved" in caplog.text
    assert "kari" not in caplog.text and DEFAULT_PASSWORD not in caplog.text


def test_the_api_answers_problem_details(down_app: Flask):
    response = new_browser(down_app).get(
        "/api/v1/reports", headers={"Authorization": "Bearer " + "t" * 43})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == "https://avvik.no/problems/service-unavailable"
    assert problem["status"] == 503 and problem["title"] == "Service unavailable"
    assert "Retry-After" in problem["detail"]


def test_an_api_write_says_nothing_was_saved(down_app: Flask):
    response = new_browser(down_app).post(
        "/api/v1/reports", json={}, headers={"Authorization": "Bearer " + "t" * 43})
    assert response.status_code == 503
    assert "Nothing of this request was saved" in response.get_json()["detail"]


def test_health_says_the_database_is_down(down_app: Flask):
    response = new_browser(down_app).get("/health")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.get_json()
    assert body["database"].startswith("error") and body["healthy"] is False
