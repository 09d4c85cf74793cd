"""Fixtures for the administration pages (organisations and users): an administrator
signed in through the login page, in English so the assertions read the messages as the
code writes them. tests/users/conftest.py reuses these."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from avvik.users.models import Role, User
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD, make_unit, make_user


def sign_in(client: FlaskClient, user: User, password: str = DEFAULT_PASSWORD
            ) -> FlaskClient:
    response = login(client, user.username, password)
    assert response.status_code == 302, "sign-in failed"
    return client


@pytest.fixture
def admin(db_session: object) -> User:
    return make_user("admin.anne", full_name="Anne Admin", is_admin=True, locale="en")


@pytest.fixture
def admin_client(client: FlaskClient, admin: User) -> FlaskClient:
    return sign_in(client, admin)


@pytest.fixture
def staff_client(client: FlaskClient) -> FlaskClient:
    """Signed in as a leader and coordinator who is not an administrator."""
    unit = make_unit()
    user = make_user("leder.lise", locale="en",
                     roles=[(Role.LEADER, unit), (Role.COORDINATOR, unit)])
    return sign_in(client, user)
