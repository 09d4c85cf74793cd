"""Each health community names its joint committee; the administrator sets the name."""

from __future__ import annotations

from avvik.extensions import db
from tests.conftest import login, post_form
from tests.factories import DEFAULT_PASSWORD, make_health_community, make_user

DEADLINES = {"reminder_days_before": "5", "escalation_level2_days": "5",
             "escalation_level3_days": "10", "identity_retention_days": "30"}


def test_the_administrator_names_the_committee(client, db_session):
    admin = make_user("admin.anne", is_admin=True, locale="en")
    community = make_health_community("Helsefellesskap Nord")
    assert community.committee_name == "Samarbeidsutvalget"
    login(client, admin.username, DEFAULT_PASSWORD)
    url = f"/organizations/communities/{community.id}/edit"
    assert "Name of the joint committee" in client.get(url).get_data(as_text=True)
    refused = post_form(client, url, {**DEADLINES, "name": community.name,
                                      "committee_name": " "})
    assert "Write the joint committee&#39;s name." in refused.get_data(as_text=True)
    saved = post_form(client, url, {**DEADLINES, "name": community.name,
                                    "committee_name": "OSU"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(type(community), community.id).committee_name == "OSU"
