"""Sign-ins, refused sign-ins and sign-outs, and changes of people's rights, on the trail."""

from __future__ import annotations

import pytest

from avvik.auth.services import sign_in
from avvik.auth.throttle import Throttled
from avvik.core.errors import ValidationFailed
from avvik.users.models import Role
from tests.audit.conftest import entries, facts
from tests.conftest import login, post_form
from tests.factories import DEFAULT_PASSWORD, make_unit, make_user

NEW_PASSWORD = "blå-fjord-sykkel-91"


def test_a_sign_in_and_a_sign_out_are_recorded(client):
    kari = make_user("kari", full_name="Kari Nordmann")
    assert login(client, "Kari", DEFAULT_PASSWORD).status_code == 302
    post_form(client, "/auth/logout", {}, token_from="/")
    assert [facts(e) for e in entries()] == [
        ("auth.signed_in", kari.id, "user", kari.id, {"method": "password"}),
        ("auth.signed_out", kari.id, "user", kari.id, {}),
    ]
    assert entries()[0].actor_name == "Kari Nordmann"


@pytest.mark.parametrize(("typed", "password", "why"), [
    ("kari", "feil-passord-123", "wrong_password"),
    ("KARI", "feil-passord-123", "wrong_password"),
    ("ola", DEFAULT_PASSWORD, "inactive_user"),
])
def test_a_refused_sign_in_names_the_user_but_never_the_password(client, typed, password,
                                                                  why):
    users = {"kari": make_user("kari"), "ola": make_user("ola", is_active=False)}
    assert login(client, typed, password).status_code == 200
    [entry] = entries("auth.sign_in_failed")
    user = users[typed.lower()]
    assert facts(entry) == ("auth.sign_in_failed", None, "user", user.id,
                            {"why": why, "username": user.username})
    assert password not in repr(vars(entry))


def test_a_user_name_nobody_has_is_recorded_as_unknown(client):
    make_user("kari")
    # A password typed in the name field must not end up in the trail.
    assert login(client, DEFAULT_PASSWORD, DEFAULT_PASSWORD).status_code == 200
    [entry] = entries("auth.sign_in_failed")
    assert facts(entry) == ("auth.sign_in_failed", None, "user", None,
                            {"why": "unknown_user"})
    assert DEFAULT_PASSWORD not in repr(vars(entry))


def test_a_sign_in_refused_by_the_throttle_is_recorded(app, db_session, clock):
    kari = make_user("kari")
    with app.test_request_context("/"):
        for _ in range(app.config["LOGIN_SLOWDOWN_AFTER"]):
            with pytest.raises(ValidationFailed):
                sign_in("kari", "feil-passord-123")
        with pytest.raises(Throttled):  # the next must wait
            sign_in("kari", "feil-passord-123")
    whys = [e.detail["why"] for e in entries("auth.sign_in_failed", object_id=kari.id)]
    assert whys[-1] == "throttled" and set(whys[:-1]) <= {"wrong_password", "throttled"}


def test_a_wrong_current_password_in_a_password_change_is_recorded(app, client):
    kari = make_user("kari")
    login(client, "kari", DEFAULT_PASSWORD)
    post_form(client, "/auth/profile/password",
              {"current_password": "feil-passord-123", "new_password": NEW_PASSWORD,
               "confirm_password": NEW_PASSWORD}, token_from="/auth/profile")
    [entry] = entries("user.password_change_refused")
    assert facts(entry) == ("user.password_change_refused", kari.id, "user", kari.id,
                            {"why": "wrong_password"})
    assert entries("user.password_changed") == []


def test_creating_changing_and_deactivating_a_user_is_recorded(admin, admin_client):
    form = {"username": "kari", "full_name": "Kari Nordmann", "email": "kari@fjordby.kommune.no",
            "locale": "nb", "password": NEW_PASSWORD}
    response = post_form(admin_client, "/users/new", form)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    [created] = entries("user.created")
    kari_id = created.object_id
    post_form(admin_client, f"/users/{kari_id}/edit",
              {**form, "username": "kari.n", "is_admin": "y", "password": ""})
    post_form(admin_client, f"/users/{kari_id}/edit",
              {**form, "username": "kari.n", "is_admin": "y", "password": ""})
    post_form(admin_client, f"/users/{kari_id}/active", {"active": "0"},
              token_from=f"/users/{kari_id}")
    post_form(admin_client, f"/users/{kari_id}/active", {"active": "1"},
              token_from=f"/users/{kari_id}")
    assert [facts(e) for e in entries(object_type="user", object_id=kari_id)] == [
        ("user.created", admin.id, "user", kari_id, {"username": "kari", "is_admin": False}),
        ("user.updated", admin.id, "user", kari_id,
         {"changed": ["is_admin", "username"], "is_admin": [False, True],
          "username": ["kari", "kari.n"]}),
        # The second save changed nothing: nothing recorded.
        ("user.deactivated", admin.id, "user", kari_id, {}),
        ("user.reactivated", admin.id, "user", kari_id, {}),
    ]


def test_a_role_given_and_taken_away_is_recorded_for_whom_and_by_whom(admin, admin_client):
    kari, unit = make_user("kari"), make_unit()
    page = f"/users/{kari.id}"
    post_form(admin_client, f"{page}/memberships", {"unit_id": unit.id, "role": "handler"},
              token_from=page)
    membership_id = kari.memberships[0].id
    post_form(admin_client, f"{page}/memberships/{membership_id}/remove", {},
              token_from=page)
    detail = {"role": "handler", "unit_id": unit.id, "membership_id": membership_id}
    assert [facts(e) for e in entries(object_type="user", object_id=kari.id)] == [
        ("membership.added", admin.id, "user", kari.id, detail),
        ("membership.removed", admin.id, "user", kari.id, detail),
    ]


def test_a_leader_made_on_the_unit_page_is_a_role_given(admin, admin_client):
    kari, unit = make_user("kari"), make_unit()
    post_form(admin_client, f"/organizations/units/{unit.id}/leaders",
              {"username": "kari"}, token_from=f"/organizations/units/{unit.id}")
    [entry] = entries("membership.added")
    assert (entry.actor_id, entry.object_id, entry.detail["role"]) == (
        admin.id, kari.id, Role.LEADER.value)
