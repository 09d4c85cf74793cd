"""Health communities through the pages."""

from __future__ import annotations

import re

from avvik.extensions import db
from avvik.organizations.models import HealthCommunity
from tests.conftest import post_form
from tests.factories import make_health_community, make_organization

LIST = "/organizations/communities/"
DEFAULTS = {"reminder_days_before": "5", "escalation_level2_days": "5",
            "escalation_level3_days": "10", "identity_retention_days": "30"}


def test_admin_creates_a_health_community(admin_client):
    page = admin_client.get("/organizations/communities/new").get_data(as_text=True)
    assert re.search(r'name="escalation_level3_days"[^>]*value="10"', page)
    response = post_form(admin_client, "/organizations/communities/new",
                         {**DEFAULTS, "name": "  Helsefellesskap   Fjordby "})
    assert response.status_code == 302
    community = db.session.scalar(db.select(HealthCommunity))
    assert community.name == "Helsefellesskap Fjordby" and community.is_active
    assert "Helsefellesskap Fjordby" in admin_client.get(LIST).get_data(as_text=True)


def test_a_duplicate_community_name_is_refused_and_an_empty_one_named(admin_client):
    make_health_community("Helsefellesskap Fjordby")
    response = post_form(admin_client, "/organizations/communities/new",
                         {**DEFAULTS, "name": "helsefellesskap fjordby"})
    html = response.get_data(as_text=True)
    assert "A health community named helsefellesskap fjordby exists" in html
    assert 'value="helsefellesskap fjordby"' in html
    empty = post_form(admin_client, "/organizations/communities/new",
                      {**DEFAULTS, "name": " "})
    assert 'aria-invalid="true"' in empty.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(HealthCommunity.id))) == 1


def test_admin_renames_a_community_and_changes_its_deadlines(admin_client):
    community = make_health_community("Helsefellesskap Fjordby")
    url = f"/organizations/communities/{community.id}/edit"
    response = post_form(admin_client, url, {
        "name": "Fjordby og omegn", "reminder_days_before": "3",
        "escalation_level2_days": "4", "escalation_level3_days": "8",
        "identity_retention_days": "60"})
    assert response.status_code == 302
    db.session.refresh(community)
    assert community.name == "Fjordby og omegn"
    assert (community.reminder_days_before, community.escalation_level2_days,
            community.escalation_level3_days, community.identity_retention_days) == (
        3, 4, 8, 60)


def test_deadlines_out_of_range_or_out_of_order_are_refused(admin_client):
    community = make_health_community("Helsefellesskap Fjordby")
    url = f"/organizations/communities/{community.id}/edit"
    response = post_form(admin_client, url, {**DEFAULTS, "name": community.name,
                                             "reminder_days_before": "",
                                             "identity_retention_days": "9999"})
    html = response.get_data(as_text=True)
    assert "Write a whole number from 0 to 30" in html
    assert "Write a whole number from 1 to 365" in html
    assert re.search(r'name="identity_retention_days"[^>]*value="9999"', html)
    response = post_form(admin_client, url, {**DEFAULTS, "name": community.name,
                                             "escalation_level3_days": "5"})
    assert "Level 3 must come later than level 2" in response.get_data(as_text=True)
    db.session.refresh(community)
    assert (community.reminder_days_before, community.escalation_level3_days) == (5, 10)


def test_a_community_with_active_organizations_is_not_deactivated(admin_client):
    community = make_health_community("Helsefellesskap Fjordby")
    org = make_organization("Fjordby kommune", health_community=community)
    url = f"/organizations/communities/{community.id}/active"
    response = post_form(admin_client, url, {"active": "0"}, token_from=LIST,
                         follow_redirects=True)
    assert "still has active organisations" in response.get_data(as_text=True)
    db.session.refresh(community)
    assert community.is_active
    org.is_active = False
    db.session.commit()
    post_form(admin_client, url, {"active": "0"}, token_from=LIST)
    db.session.refresh(community)
    assert not community.is_active
    post_form(admin_client, url, {"active": "1"}, token_from=LIST)
    db.session.refresh(community)
    assert community.is_active


def test_an_organization_of_an_inactive_community_is_not_reactivated(admin_client):
    community = make_health_community("Nedlagt", is_active=False)
    org = make_organization(health_community=community, is_active=False)
    page = f"/organizations/{org.id}"
    response = post_form(admin_client, f"{page}/active", {"active": "1"}, token_from=page,
                         follow_redirects=True)
    assert "Reactivate the health community Nedlagt first" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert not org.is_active


def test_the_bad_active_value_is_a_bad_request(admin_client):
    community = make_health_community()
    response = post_form(admin_client, f"/organizations/communities/{community.id}/active",
                         {"active": "maybe"}, token_from=LIST)
    assert response.status_code == 400
