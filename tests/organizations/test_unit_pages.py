"""Units through the pages: the tree, moving, the refusals that keep it a tree, leaders."""

from __future__ import annotations

import re

from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.users.models import Membership, Role
from tests.conftest import post_form
from tests.factories import make_organization, make_unit, make_user


def _unit(organization_id: int, name: str) -> Unit | None:
    return db.session.scalar(db.select(Unit).filter_by(organization_id=organization_id,
                                                       name=name))


def test_admin_creates_a_top_unit_and_a_sub_unit(admin_client):
    org = make_organization("Fjordby HF")
    url = f"/organizations/{org.id}/units/new"
    assert post_form(admin_client, url, {"name": "Medisinsk klinikk",
                                         "parent_id": ""}).status_code == 302
    clinic = _unit(org.id, "Medisinsk klinikk")
    assert clinic.parent_id is None and clinic.is_active
    response = post_form(admin_client, url, {"name": "Sengepost 3",
                                             "parent_id": str(clinic.id)})
    assert response.status_code == 302
    assert _unit(org.id, "Sengepost 3").parent_id == clinic.id


def test_the_organization_page_shows_the_units_as_a_tree_with_leaders(admin_client):
    org = make_organization("Fjordby HF")
    clinic = make_unit("Medisinsk klinikk", organization=org)
    ward = make_unit("Sengepost 3", parent=clinic)
    make_user(full_name="Lise Leder", roles=[(Role.LEADER, ward)])
    html = admin_client.get(f"/organizations/{org.id}").get_data(as_text=True)
    nested = re.search(r"Medisinsk klinikk</a>.*?<ul class=\"unit-tree\">.*?Sengepost 3</a>"
                       r".*?Lise Leder", html, re.DOTALL)
    assert nested, "the ward is not listed under its clinic with its leader"
    assert "No leader" in html  # the clinic has none


def test_the_new_sub_unit_link_preselects_the_parent(admin_client):
    clinic = make_unit("Medisinsk klinikk")
    page = admin_client.get(
        f"/organizations/{clinic.organization_id}/units/new?parent={clinic.id}")
    assert f'<option selected value="{clinic.id}">' in page.get_data(as_text=True)


def test_a_parent_in_another_organization_is_refused(admin_client):
    org = make_organization("Fjordby HF")
    foreign = make_unit("Fremmed klinikk", organization=make_organization("Nordby HF"))
    response = post_form(admin_client, f"/organizations/{org.id}/units/new",
                         {"name": "Sengepost 1", "parent_id": str(foreign.id)})
    html = response.get_data(as_text=True)
    assert "The parent unit must belong to Fjordby HF" in html
    assert 'value="Sengepost 1"' in html
    assert _unit(org.id, "Sengepost 1") is None


def test_a_unit_cannot_be_moved_under_its_own_sub_unit(admin_client):
    clinic = make_unit("Medisinsk klinikk")
    ward = make_unit("Sengepost 3", parent=clinic)
    response = post_form(admin_client, f"/organizations/units/{clinic.id}/edit",
                         {"name": "Medisinsk klinikk", "parent_id": str(ward.id)})
    assert "cannot be placed under itself or under one of its own sub-units" in \
        response.get_data(as_text=True)
    db.session.refresh(clinic)
    assert clinic.parent_id is None


def test_the_move_form_does_not_offer_the_units_own_subtree(admin_client):
    clinic = make_unit("Medisinsk klinikk")
    ward = make_unit("Sengepost 3", parent=clinic)
    other = make_unit("Kirurgisk klinikk", organization=clinic.organization)
    html = admin_client.get(f"/organizations/units/{clinic.id}/edit").get_data(as_text=True)
    assert f'value="{other.id}"' in html
    assert f'value="{ward.id}"' not in html


def test_admin_renames_and_moves_a_unit(admin_client):
    clinic = make_unit("Medisinsk klinikk")
    ward = make_unit("Sengepost 3", organization=clinic.organization)
    response = post_form(admin_client, f"/organizations/units/{ward.id}/edit",
                         {"name": "Sengepost 3A", "parent_id": str(clinic.id)})
    assert response.status_code == 302
    db.session.refresh(ward)
    assert (ward.name, ward.parent_id) == ("Sengepost 3A", clinic.id)


def test_duplicate_sibling_names_are_refused_but_cousins_may_share_a_name(admin_client):
    org = make_organization()
    first, second = make_unit("Klinikk 1", organization=org), make_unit("Klinikk 2",
                                                                      organization=org)
    make_unit("Sengepost", parent=first)
    url = f"/organizations/{org.id}/units/new"
    refused = post_form(admin_client, url, {"name": "sengepost", "parent_id": str(first.id)})
    assert "There is already a unit named sengepost" in refused.get_data(as_text=True)
    allowed = post_form(admin_client, url, {"name": "Sengepost", "parent_id": str(second.id)})
    assert allowed.status_code == 302
    top = post_form(admin_client, url, {"name": "Klinikk 1", "parent_id": ""})
    assert "There is already a unit named Klinikk 1" in top.get_data(as_text=True)


def test_a_unit_with_active_sub_units_cannot_be_deactivated(admin_client):
    clinic = make_unit("Medisinsk klinikk")
    ward = make_unit("Sengepost 3", parent=clinic)
    url = f"/organizations/units/{clinic.id}/active"
    response = post_form(admin_client, url, {"active": "0"}, follow_redirects=True,
                         token_from=f"/organizations/units/{clinic.id}")
    assert "still has active sub-units (Sengepost 3)" in response.get_data(as_text=True)
    db.session.refresh(clinic)
    assert clinic.is_active
    # Bottom up works, and nothing is deleted.
    post_form(admin_client, f"/organizations/units/{ward.id}/active", {"active": "0"},
              token_from=f"/organizations/units/{ward.id}")
    post_form(admin_client, url, {"active": "0"}, token_from=f"/organizations/units/{clinic.id}")
    db.session.refresh(clinic)
    db.session.refresh(ward)
    assert not clinic.is_active and not ward.is_active


def test_a_unit_is_reactivated_only_under_an_active_parent(admin_client):
    clinic = make_unit("Medisinsk klinikk", is_active=False)
    ward = make_unit("Sengepost 3", parent=clinic, is_active=False)
    page = f"/organizations/units/{ward.id}"
    response = post_form(admin_client, f"{page}/active", {"active": "1"},
                         follow_redirects=True, token_from=page)
    assert "Reactivate the parent unit Medisinsk klinikk first" in \
        response.get_data(as_text=True)
    post_form(admin_client, f"/organizations/units/{clinic.id}/active", {"active": "1"},
              token_from=page)
    post_form(admin_client, f"{page}/active", {"active": "1"}, token_from=page)
    db.session.refresh(ward)
    assert ward.is_active


def test_admin_adds_and_removes_a_leader(admin_client):
    ward = make_unit("Sengepost 3")
    lise = make_user("lise.leder", full_name="Lise Leder")
    page = f"/organizations/units/{ward.id}"
    response = post_form(admin_client, f"{page}/leaders", {"username": "Lise.Leder"},
                         token_from=page)
    assert response.status_code == 302
    leadership = db.session.scalar(db.select(Membership).filter_by(
        user_id=lise.id, unit_id=ward.id, role=Role.LEADER))
    assert leadership is not None
    assert "Lise Leder" in admin_client.get(page).get_data(as_text=True)
    leadership_id = leadership.id
    response = post_form(admin_client, f"{page}/leaders/{leadership_id}/remove", {},
                         token_from=page)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, leadership_id) is None


def test_an_unknown_leader_is_refused_and_the_name_kept(admin_client):
    ward = make_unit()
    page = f"/organizations/units/{ward.id}"
    response = post_form(admin_client, f"{page}/leaders", {"username": "ingen.slik"},
                         token_from=page)
    html = response.get_data(as_text=True)
    assert "No active user has this user name" in html
    assert 'value="ingen.slik"' in html


def test_the_same_leader_twice_is_refused(admin_client):
    ward = make_unit("Sengepost 3")
    make_user("lise.leder", full_name="Lise Leder", roles=[(Role.LEADER, ward)])
    page = f"/organizations/units/{ward.id}"
    response = post_form(admin_client, f"{page}/leaders", {"username": "lise.leder"},
                         token_from=page)
    assert "Lise Leder is already leader in Sengepost 3" in response.get_data(as_text=True)


def test_only_a_leader_membership_of_this_unit_can_be_removed_here(admin_client):
    ward = make_unit()
    handler = make_user(roles=[(Role.HANDLER, ward)])
    page = f"/organizations/units/{ward.id}"
    response = post_form(admin_client, f"{page}/leaders/{handler.memberships[0].id}/remove",
                         {}, token_from=page)
    assert response.status_code == 404
    db.session.expire_all()
    assert len(handler.memberships) == 1
