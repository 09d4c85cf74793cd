"""Only administrators reach the routing pages: every route of the blueprint, GET and POST."""

from __future__ import annotations

from avvik.extensions import db
from avvik.users.models import Role
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.routing.helpers import rule_count, rule_form


def routing_requests(app, world) -> list[tuple[str, str]]:
    """(method, url) for every route of the blueprint, read from the URL map."""
    requests = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("routing."):
            continue
        _, path = rule.build({"rule_id": world.rule.id} if "rule_id" in rule.arguments
                             else {})
        url = f"{path}?organization={world.hospital.id}"
        requests += [(method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return requests


def test_the_blueprint_has_the_four_routes_all_for_administrators(app, world):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()
                 if r.endpoint.startswith("routing.")}
    assert endpoints == {"routing.index", "routing.new", "routing.edit", "routing.set_active"}
    assert all(getattr(app.view_functions[e], "admin_required", False) for e in endpoints)
    assert len(routing_requests(app, world)) == 6


def test_non_admin_gets_403_on_every_routing_route(app, client, world):
    leader = make_user(roles=[(Role.LEADER, world.ward), (Role.COORDINATOR, world.clinic)])
    assert login(client, leader.username, DEFAULT_PASSWORD).status_code == 302
    before = rule_count()
    for method, url in routing_requests(app, world):
        if method == "GET":
            status = client.get(url).status_code
        else:
            # A valid CSRF token (from the start page), so the refusal is the role's.
            status = post_form(client, url, {**rule_form(world), "active": "0"},
                               token_from="/").status_code
        assert status == 403, f"{method} {url} gave {status}"
    assert rule_count() == before
    db.session.refresh(world.rule)
    assert world.rule.is_active and world.rule.target_unit_id == world.ward.id


def test_anonymous_visitor_is_sent_to_sign_in(app, client, world):
    for method, url in routing_requests(app, world):
        response = client.open(url, method=method)
        assert response.status_code == 302, f"{method} {url}"
        assert "/auth/login" in response.headers["Location"]


def test_admin_reaches_every_routing_page(app, admin_client, world):
    for method, url in routing_requests(app, world):
        if method == "GET":
            assert admin_client.get(url).status_code == 200, url


def test_the_navigation_shows_routing_rules_to_administrators_only(app, admin_client,
                                                                    world):
    assert 'href="/routing/"' in admin_client.get("/").get_data(as_text=True)
    other = new_browser(app)
    assert login(other, world.ward_leader.username, DEFAULT_PASSWORD).status_code == 302
    page = other.get("/")
    assert page.status_code == 200
    assert 'href="/routing/"' not in page.get_data(as_text=True)
