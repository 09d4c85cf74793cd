"""Fixtures for the catalog pages: an administrator signed in through the login page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from avvik.organizations.models import HealthCommunity
from avvik.users.models import User
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD, make_health_community, make_user


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    response = login(client, user.username, DEFAULT_PASSWORD)
    assert response.status_code == 302, "sign-in failed"
    return client


@pytest.fixture
def community(db_session: object) -> HealthCommunity:
    return make_health_community("Helsefellesskap Fjordby")


@pytest.fixture
def admin(db_session: object) -> User:
    return make_user(is_admin=True)


@pytest.fixture
def admin_client(client: FlaskClient, admin: User) -> FlaskClient:
    return sign_in(client, admin)
