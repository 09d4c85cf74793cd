"""Only administrators reach the organisation and user administration: every route."""

from __future__ import annotations

import re

import pytest

from avvik.users.models import Role
from tests.conftest import csrf_token_from
from tests.factories import make_organization, make_unit, make_user

BLUEPRINTS = ("organizations", "users")


def every_route(app, ids: dict[str, int]) -> list[tuple[str, str]]:
    """(method, url) for every route of the two blueprints, built from the URL map so a
    route added later is covered without anyone remembering to list it."""
    requests = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in BLUEPRINTS:
            continue
        url = re.sub(r"<int:(\w+)>", lambda match: str(ids[match.group(1)]), rule.rule)
        requests += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    return requests


@pytest.fixture
def ids(db_session):
    unit = make_unit(organization=make_organization())
    leader = make_user(roles=[(Role.LEADER, unit)])
    return {"org_id": unit.organization_id, "unit_id": unit.id,
            "community_id": unit.organization.health_community_id, "user_id": leader.id,
            "membership_id": leader.memberships[0].id}


def test_every_view_of_the_blueprints_is_marked_admin_only(app):
    endpoints = [e for e in app.view_functions if e.split(".")[0] in BLUEPRINTS]
    assert len(endpoints) == 23
    assert [e for e in endpoints
            if not getattr(app.view_functions[e], "admin_required", False)] == []


def test_non_admin_gets_403_on_every_route(app, staff_client, ids):
    requests = every_route(app, ids)
    assert len(requests) == 31
    for method, url in requests:
        if method == "GET":
            response = staff_client.get(url)
        else:
            token = csrf_token_from(staff_client.get("/").get_data(as_text=True))
            response = staff_client.post(url, data={"csrf_token": token, "active": "0",
                                                    "name": "X", "username": "x"})
        assert response.status_code == 403, (method, url, response.status_code)


def test_admin_reaches_every_page(app, admin_client, ids):
    for method, url in every_route(app, ids):
        if method == "GET":
            assert admin_client.get(url).status_code == 200, url


def test_anonymous_visitors_are_sent_to_sign_in(app, client, ids):
    for method, url in every_route(app, ids):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/auth/login" in response.headers["Location"]
