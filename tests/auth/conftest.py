"""Fixtures for the sign-in tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from avvik.users.models import User
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user


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
