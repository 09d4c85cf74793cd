"""Roles in units, given and taken on the user's page."""

from __future__ import annotations

from avvik.extensions import db
from avvik.users.models import Membership, Role
from tests.conftest import post_form
from tests.factories import make_organization, make_unit, make_user


def test_admin_gives_a_role_and_takes_it_away(admin_client):
    kari = make_user("kari")
    ward = make_unit("Sengepost 3", organization=make_organization("Fjordby HF"))
    page = f"/users/{kari.id}"
    html = admin_client.get(page).get_data(as_text=True)
    assert '<optgroup label="Fjordby HF">' in html
    response = post_form(admin_client, f"{page}/memberships",
                         {"role": "handler", "unit_id": str(ward.id)}, token_from=page)
    assert response.status_code == 302
    membership = db.session.scalar(db.select(Membership).filter_by(user_id=kari.id))
    assert (membership.role, membership.unit_id) == (Role.HANDLER, ward.id)
    assert "Sengepost 3" in admin_client.get(page).get_data(as_text=True)
    membership_id = membership.id
    response = post_form(admin_client, f"{page}/memberships/{membership_id}/remove", {},
                         token_from=page)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Membership, membership_id) is None


def test_the_same_role_in_the_same_unit_twice_is_refused(admin_client):
    ward = make_unit("Sengepost 3")
    kari = make_user("kari", full_name="Kari Nordmann", roles=[(Role.HANDLER, ward)])
    page = f"/users/{kari.id}"
    response = post_form(admin_client, f"{page}/memberships",
                         {"role": "handler", "unit_id": str(ward.id)}, token_from=page)
    assert "Kari Nordmann is already case handler in Sengepost 3" in \
        response.get_data(as_text=True)


def test_a_missing_choice_is_named_and_the_other_kept(admin_client):
    ward = make_unit("Sengepost 3")
    kari = make_user("kari")
    page = f"/users/{kari.id}"
    response = post_form(admin_client, f"{page}/memberships",
                         {"role": "", "unit_id": str(ward.id)}, token_from=page)
    html = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert f'<option selected value="{ward.id}">' in html
    assert kari.memberships == []


def test_no_role_in_an_inactive_unit(admin_client):
    closed = make_unit("Nedlagt post", is_active=False)
    kari = make_user("kari")
    page = f"/users/{kari.id}"
    html = admin_client.get(page).get_data(as_text=True)
    assert "Nedlagt post" not in html  # not offered
    response = post_form(admin_client, f"{page}/memberships",
                         {"role": "reporter", "unit_id": str(closed.id)}, token_from=page)
    assert "Nedlagt post is deactivated" in response.get_data(as_text=True)


def test_a_membership_of_another_user_is_not_removed_here(admin_client):
    ward = make_unit()
    kari, ola = make_user("kari"), make_user("ola", roles=[(Role.REPORTER, ward)])
    page = f"/users/{kari.id}"
    response = post_form(admin_client,
                         f"{page}/memberships/{ola.memberships[0].id}/remove", {},
                         token_from=page)
    assert response.status_code == 404
    db.session.expire_all()
    assert len(ola.memberships) == 1
