"""Fixtures for the routing rule pages: the cases world, and its administrator signed in."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from avvik.extensions import db
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD
from tests.reports.world import World


@pytest.fixture
def admin_client(client: FlaskClient, world: World) -> FlaskClient:
    """The administrator, in English: the tests read the page's words, and the
    bokmål catalogue is written by a later step."""
    world.admin.locale = "en"
    db.session.flush()
    response = login(client, world.admin.username, DEFAULT_PASSWORD)
    assert response.status_code == 302, "sign-in failed"
    return client
