"""Fixtures for the sign-in tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from avvik.users.models import User
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.oidc_provider import Provider, running_provider, single_sign_on


@pytest.fixture
def kari(db_session: object) -> User:
    return make_user("kari", full_name="Kari Nordmann", email="kari@example.test")


@pytest.fixture
def request_context(app: Flask, db_session: object) -> Iterator[None]:
    """For calling services directly: their messages are translated for a request."""
    with app.test_request_context("/"):
        yield


def signed_in_client(app: Flask, username: str,
                     password: str = DEFAULT_PASSWORD) -> FlaskClient:
    """Another browser, signed in as ``username``."""
    other = new_browser(app)
    response = login(other, username, password)
    assert response.status_code == 302, "sign-in failed"
    return other


def normalised_page(response: Any, typed_username: str) -> str:
    """The page with what legitimately differs between two browsers blanked out: the CSRF
    token and the user name that was typed."""
    html = response.get_data(as_text=True)
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1TOKEN"', html)
    return html.replace(f'value="{typed_username}"', 'value="TYPED"')


@pytest.fixture(scope="module")
def provider(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """The test OpenID provider (tests/oidc_provider.py) for one module, its client's
    addresses at the test app's AVVIK_BASE_URL. The app uses it only inside ``sso``."""
    base = app.config["BASE_URL"]
    with running_provider(tmp_path_factory.mktemp("oidc"),
                          redirect_uris=[f"{base}/auth/oidc/callback"],
                          post_logout_redirect_uris=[f"{base}/auth/login"]) as running:
        yield running


@pytest.fixture
def sso(app: Flask, provider: Provider) -> Iterator[Provider]:
    """The app signs people in through ``provider`` during the test."""
    with single_sign_on(app, provider):
        yield provider


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """The browser's visit to the provider, with the provider's cookies."""
    with requests.Session() as session:
        yield session
