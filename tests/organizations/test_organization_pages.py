"""Organisations through the pages, with the real CSRF token."""

from __future__ import annotations

from avvik.extensions import db
from avvik.organizations.models import Organization, OrganizationKind
from tests.conftest import post_form
from tests.factories import make_health_community, make_organization


def _by_name(name: str) -> Organization | None:
    return db.session.scalar(db.select(Organization).filter_by(name=name))


def _form(community_id: int, **changes: object) -> dict:
    data = {"name": "Fjordby kommune", "kind": "kommune",
            "health_community_id": str(community_id), "org_number": "974 760 673",
            "is_approval_required": "y"}
    return {**data, **changes}


def test_admin_creates_an_organization(admin_client):
    community = make_health_community("Helsefellesskap Fjordby")
    response = post_form(admin_client, "/organizations/new", _form(community.id))
    assert response.status_code == 302
    org = _by_name("Fjordby kommune")
    assert org.kind is OrganizationKind.MUNICIPALITY
    assert org.health_community_id == community.id
    assert org.org_number == "974760673"  # spaces dropped
    assert org.is_approval_required and not org.is_patient_identity_wanted
    assert org.is_active
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fjordby kommune" in page and "974760673" in page


def test_organization_number_is_optional(admin_client):
    community = make_health_community()
    post_form(admin_client, "/organizations/new", _form(community.id, org_number=""))
    assert _by_name("Fjordby kommune").org_number is None


def test_invalid_organization_number_is_refused_and_the_input_kept(admin_client):
    community = make_health_community()
    response = post_form(admin_client, "/organizations/new",
                         _form(community.id, name="Feilby kommune", org_number="123456789"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not a valid organisation number" in html
    assert 'value="Feilby kommune"' in html and 'value="123456789"' in html
    assert _by_name("Feilby kommune") is None


def test_missing_fields_are_named_and_the_rest_kept(admin_client):
    community = make_health_community()
    response = post_form(admin_client, "/organizations/new",
                         _form(community.id, name="", kind=""))
    html = response.get_data(as_text=True)
    assert html.count('aria-invalid="true"') == 2
    assert 'value="974 760 673"' in html
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 0


def test_duplicate_name_in_the_same_community_is_refused(admin_client):
    community = make_health_community()
    make_organization("Fjordby kommune", health_community=community)
    response = post_form(admin_client, "/organizations/new",
                         _form(community.id, name="fjordby  KOMMUNE", org_number=""))
    assert "already has an organisation named" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Organization.id))) == 1


def test_same_name_in_another_community_is_allowed(admin_client):
    make_organization("Fjordby kommune", health_community=make_health_community())
    other = make_health_community()
    response = post_form(admin_client, "/organizations/new", _form(other.id))
    assert response.status_code == 302


def test_duplicate_organization_number_is_refused_with_the_holder_named(admin_client):
    make_organization("Gamle Fjordby", org_number="974760673")
    community = make_health_community()
    response = post_form(admin_client, "/organizations/new", _form(community.id))
    assert "Gamle Fjordby has this organisation number" in response.get_data(as_text=True)
    assert _by_name("Fjordby kommune") is None


def test_admin_edits_an_organization(admin_client):
    org = make_organization("Fjordby kommune", is_approval_required=True)
    url = f"/organizations/{org.id}/edit"
    page = admin_client.get(url).get_data(as_text=True)
    assert 'value="Fjordby kommune"' in page
    response = post_form(admin_client, url, {
        "name": "Fjordby HF", "kind": "helseforetak",
        "health_community_id": str(org.health_community_id), "org_number": "",
        "is_patient_identity_wanted": "y"})
    assert response.status_code == 302
    db.session.refresh(org)
    assert (org.name, org.kind) == ("Fjordby HF", OrganizationKind.HOSPITAL_TRUST)
    assert not org.is_approval_required and org.is_patient_identity_wanted


def test_an_organization_is_never_moved_to_an_inactive_community(admin_client):
    org = make_organization()
    closed = make_health_community("Nedlagt fellesskap", is_active=False)
    response = post_form(admin_client, f"/organizations/{org.id}/edit", {
        "name": org.name, "kind": "kommune", "health_community_id": str(closed.id)})
    assert "Nedlagt fellesskap is deactivated" in response.get_data(as_text=True)
    db.session.refresh(org)
    assert org.health_community_id != closed.id


def test_admin_deactivates_and_reactivates_an_organization(admin_client):
    org = make_organization("Fjordby kommune")
    url = f"/organizations/{org.id}/active"
    response = post_form(admin_client, url, {"active": "0"}, token_from=f"/organizations/{org.id}")
    assert response.status_code == 302
    db.session.refresh(org)
    assert not org.is_active
    assert db.session.get(Organization, org.id) is not None  # kept, not deleted
    post_form(admin_client, url, {"active": "1"}, token_from=f"/organizations/{org.id}")
    db.session.refresh(org)
    assert org.is_active


def test_list_shows_status_and_filters_by_text(admin_client):
    make_organization("Fjordby kommune")
    make_organization("Nordby kommune", is_active=False)
    html = admin_client.get("/organizations/").get_data(as_text=True)
    assert "Fjordby kommune" in html and "Nordby kommune" in html
    assert 'class="ds-tag" data-color="neutral"' in html  # the inactive one
    filtered = admin_client.get("/organizations/?q=nord").get_data(as_text=True)
    assert "Nordby kommune" in filtered and "Fjordby kommune" not in filtered


def test_list_is_paginated(admin_client):
    community = make_health_community()
    for number in range(30):
        make_organization(f"Kommune {number:02d}", health_community=community)
    first = admin_client.get("/organizations/").get_data(as_text=True)
    second = admin_client.get("/organizations/?page=2").get_data(as_text=True)
    assert "Kommune 00" in first and "Kommune 29" not in first
    assert "Kommune 29" in second and "Kommune 00" not in second
    assert "page=2" in first


def test_an_expired_form_comes_back_with_what_was_typed(admin_client):
    community = make_health_community()
    admin_client.get("/organizations/new")
    response = admin_client.post("/organizations/new", data={
        **_form(community.id, name="Tapt kommune"), "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Tapt kommune"' in html and "The page had expired" in html
    assert _by_name("Tapt kommune") is None
