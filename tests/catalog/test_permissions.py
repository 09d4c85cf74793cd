"""Only administrators reach the catalog: every route, every kind, GET and POST."""

from __future__ import annotations

import pytest

from avvik.catalog.views import KINDS
from avvik.extensions import db
from avvik.users.models import Role
from tests.conftest import login, post_form
from tests.factories import (
    DEFAULT_PASSWORD,
    make_agreement,
    make_category,
    make_phase,
    make_transition,
    make_unit,
    make_user,
)


@pytest.fixture
def rows(community):
    phase = make_phase("C", health_community=community)
    return {
        "agreements": make_agreement("1", health_community=community),
        "phases": phase,
        "transitions": make_transition("C1", phase=phase),
        "categories": make_category("annet", health_community=community),
    }


def catalog_requests(community, rows) -> list[tuple[str, str]]:
    """(method, url) for every catalog route; fails when a route is added but not listed."""
    requests = [("GET", f"/catalog/?community={community.id}")]
    for kind in KINDS:
        row_id = rows[kind].id
        requests += [
            ("GET", f"/catalog/{kind}/new?community={community.id}"),
            ("POST", f"/catalog/{kind}/new?community={community.id}"),
            ("GET", f"/catalog/{kind}/{row_id}/edit"),
            ("POST", f"/catalog/{kind}/{row_id}/edit"),
            ("POST", f"/catalog/{kind}/{row_id}/active"),
        ]
    return requests


def test_every_catalog_route_is_in_the_permission_list(app, community, rows):
    routes = {r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("catalog.")}
    assert len(routes) == 4
    assert len(catalog_requests(community, rows)) == 1 + 5 * len(KINDS)


def test_non_admin_gets_403_on_every_catalog_route(client, community, rows):
    reporter = make_user(roles=[(Role.REPORTER, make_unit())])
    assert login(client, reporter.username, DEFAULT_PASSWORD).status_code == 302
    for method, url in catalog_requests(community, rows):
        if method == "GET":
            status = client.get(url).status_code
        else:
            # A valid CSRF token (from the start page), so the refusal is the role's.
            status = post_form(client, url, {"active": "0", "number": "9", "code": "Z",
                                             "name": "Z", "title": "Z"},
                               token_from="/").status_code
        assert status == 403, f"{method} {url} gave {status}"
    db.session.refresh(rows["agreements"])
    assert rows["agreements"].is_active


def test_anonymous_visitor_is_sent_to_sign_in(client, community):
    response = client.get(f"/catalog/?community={community.id}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_admin_reaches_every_catalog_page(admin_client, community, rows):
    for method, url in catalog_requests(community, rows):
        if method == "GET":
            assert admin_client.get(url).status_code == 200, url
