"""Fixtures for the dashboard tests: the cases' world with statistics roles added, and a
signed-in browser for any of its people."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from avvik.extensions import db
from avvik.users.models import Role, User
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.reports.world import World

#: The period every test filters on, so that "today" never matters.
YEAR = "from=2026-01&to=2026-12"


@dataclass
class People:
    """Who looks at the dashboards, beside world's people."""

    hospital_adviser: User  #: quality adviser of the hospital trust
    kommune_adviser: User  #: quality adviser of the municipality
    secretariat: User  #: the joint committee's secretariat of the health community


@pytest.fixture
def people(world: World) -> People:
    hospital_top = world.clinic.parent
    kommune_top = world.home_care.parent
    return People(
        hospital_adviser=make_user("hkvalitet", roles=[(Role.QUALITY_ADVISER, hospital_top)]),
        kommune_adviser=make_user("kkvalitet", roles=[(Role.QUALITY_ADVISER, kommune_top)]),
        secretariat=make_user("sekretariat", roles=[(Role.SECRETARIAT, kommune_top)]),
    )


@pytest.fixture
def browser_for(app: Flask, db_session: object) -> Callable[[User], FlaskClient]:
    """``browser_for(user)``: a test client signed in as ``user``."""
    def sign_in(user: User) -> FlaskClient:
        db.session.flush()
        client = new_browser(app)
        assert login(client, user.username, DEFAULT_PASSWORD).status_code == 302
        return client
    return sign_in
