"""The identifier an administrator records for single sign-on (AVVIK_OIDC_USER_CLAIM other
than email), and users made while password sign-in is off."""

from __future__ import annotations

import pytest
from flask import Flask

from avvik.auth.passwords import verify_password
from avvik.extensions import db
from avvik.users.models import User
from tests.conftest import post_form
from tests.factories import DEFAULT_PASSWORD, make_user

HPR_NUMBER = "9144900"


def _form(**changes: object) -> dict:
    data = {"username": "kari.nordmann", "full_name": "Kari Nordmann",
            "email": "kari.nordmann@fjordby.kommune.no", "locale": "nb",
            "password": "blå-fjord-sykkel-91", "external_id": f" {HPR_NUMBER} "}
    return {**data, **changes}


def _user(username: str) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def test_the_administrator_records_the_identifier_and_the_user_page_does_not_show_it(
        admin_client) -> None:
    response = post_form(admin_client, "/users/new", _form())
    assert response.status_code == 302
    kari = _user("kari.nordmann")

    page = admin_client.get(f"/users/{kari.id}").get_data(as_text=True)

    assert kari.external_id == HPR_NUMBER
    assert "Identifier at the sign-in service" in page and "Recorded" in page
    assert HPR_NUMBER not in page
    assert f'value="{HPR_NUMBER}"' in admin_client.get(f"/users/{kari.id}/edit").get_data(
        as_text=True)


@pytest.mark.parametrize(("typed", "said"), [
    (HPR_NUMBER, "Another user has this identifier."),
    ("9144 900", "no spaces"),
])
def test_a_taken_or_malformed_identifier_is_refused_and_the_input_kept(
        admin_client, typed: str, said: str) -> None:
    make_user("ola", external_id=HPR_NUMBER)

    response = post_form(admin_client, "/users/new", _form(external_id=typed))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert said in page
    assert 'value="kari.nordmann@fjordby.kommune.no"' in page


def test_clearing_the_identifier_in_the_edit_form_removes_it(admin_client) -> None:
    kari = make_user("kari", external_id=HPR_NUMBER)

    response = post_form(admin_client, f"/users/{kari.id}/edit", {
        "username": "kari", "full_name": kari.full_name, "email": kari.email,
        "locale": "", "password": "", "external_id": ""})

    assert response.status_code == 302
    assert db.session.scalar(db.select(User.external_id).filter_by(id=kari.id)) is None


def test_with_password_sign_in_off_a_user_is_made_without_a_password(
        app: Flask, admin_client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PASSWORD_SIGNIN", False)

    page = admin_client.get("/users/new").get_data(as_text=True)
    response = post_form(admin_client, "/users/new", _form(password=""))

    assert "Password sign-in is turned off" in page
    assert response.status_code == 302
    kari = _user("kari.nordmann")
    assert not verify_password(kari.password_hash, "")
    assert not verify_password(kari.password_hash, DEFAULT_PASSWORD)
