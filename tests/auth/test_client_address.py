"""Whose address a failure counts under: the connection's, or a configured proxy's word."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from avvik.app import create_app
from avvik.extensions import db
from tests.conftest import login, make_test_config, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user

WRONG = "feil-passord-123"
PROXY = "10.0.0.2"


@pytest.fixture
def app_behind_a_proxy(tmp_path: Path) -> Iterator[Flask]:
    config = make_test_config(f"sqlite:///{tmp_path / 'app.sqlite3'}", tmp_path)
    config.PROXY_COUNT = 1
    app = create_app(config)
    with app.app_context():
        db.create_all()
        make_user("kari")
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def through_the_proxy(app: Flask, client_address: str, claimed: str = ""):
    """A browser whose requests reach the app from the proxy, which appends the client's
    address to whatever X-Forwarded-For the client sent itself."""
    browser = new_browser(app)
    browser.environ_base.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=", ".join(
        part for part in (claimed, client_address) if part))
    return browser


def test_behind_a_configured_proxy_each_client_counts_apart(app_behind_a_proxy, clock):
    guesser = through_the_proxy(app_behind_a_proxy, "203.0.113.66")
    for _ in range(3):
        login(guesser, "kari", WRONG)
    assert login(guesser, "kari", DEFAULT_PASSWORD).status_code == 429
    # Everyone comes from the proxy's address, yet Kari is not held up by the guesser.
    kari = through_the_proxy(app_behind_a_proxy, "198.51.100.7")
    assert login(kari, "kari", DEFAULT_PASSWORD).status_code == 302


def test_an_address_a_client_claims_for_itself_is_not_believed(app_behind_a_proxy, clock):
    for n in range(3):  # three made-up addresses in front of the proxy's true entry
        login(through_the_proxy(app_behind_a_proxy, "203.0.113.66", f"192.0.2.{n}"),
              "kari", WRONG)
    guesser = through_the_proxy(app_behind_a_proxy, "203.0.113.66", "192.0.2.99")
    assert login(guesser, "kari", DEFAULT_PASSWORD).status_code == 429
