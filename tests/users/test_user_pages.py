"""Users through the pages: create, edit, deactivate, the list and its filter."""

from __future__ import annotations

from avvik.auth.passwords import verify_password
from avvik.extensions import db
from avvik.users.models import User
from tests.conftest import login, post_form
from tests.factories import DEFAULT_PASSWORD, make_user

NEW_PASSWORD = "blå-fjord-sykkel-91"


def _user(username: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(username=username))


def _form(**changes: object) -> dict:
    data = {"username": "Kari.Nordmann", "full_name": "Kari  Nordmann",
            "email": "kari.nordmann@fjordby.kommune.no", "locale": "nb",
            "password": NEW_PASSWORD}
    return {**data, **changes}


def test_admin_creates_a_user_with_a_hashed_initial_password(admin_client):
    response = post_form(admin_client, "/users/new", _form())
    assert response.status_code == 302
    kari = _user("kari.nordmann")  # stored lower-cased
    assert (kari.full_name, kari.email, kari.locale) == (
        "Kari Nordmann", "kari.nordmann@fjordby.kommune.no", "nb")
    assert kari.is_active and not kari.is_admin
    assert kari.password_hash != NEW_PASSWORD
    assert verify_password(kari.password_hash, NEW_PASSWORD)


def test_the_new_user_can_sign_in_with_the_initial_password(admin_client, client, app):
    post_form(admin_client, "/users/new", _form())
    other_browser = type(client)(app, app.response_class)
    assert login(other_browser, "kari.nordmann", NEW_PASSWORD).status_code == 302


def test_a_weak_password_is_refused_and_the_rest_of_the_input_kept(admin_client):
    response = post_form(admin_client, "/users/new", _form(password="passord12345"))
    html = response.get_data(as_text=True)
    assert "This password is too easy to guess" in html
    assert 'value="Kari.Nordmann"' in html and 'value="kari.nordmann@fjordby.kommune.no"' in html
    assert "passord12345" not in html  # a password is never sent back
    assert _user("kari.nordmann") is None


def test_a_password_containing_the_user_name_is_refused(admin_client):
    response = post_form(admin_client, "/users/new",
                         _form(password="kari.nordmann-2026!"))
    assert "must not contain the user name" in response.get_data(as_text=True)


def test_every_problem_of_the_form_is_named_in_one_round(admin_client):
    response = post_form(admin_client, "/users/new",
                         _form(username="kari nordmann", full_name="", email="kari@",
                               password=""))
    html = response.get_data(as_text=True)
    assert "Write a valid e-mail address" in html
    assert "lower-case letters, digits" in html
    assert "Write the person&#39;s full name" in html
    assert "at least 12 characters" in html
    assert html.count('aria-invalid="true"') == 4


def test_a_duplicate_user_name_is_refused_whatever_its_case(admin_client):
    make_user("kari.nordmann")
    response = post_form(admin_client, "/users/new", _form(username="KARI.nordmann"))
    assert "The user name kari.nordmann is taken" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2  # kari and the admin


def test_admin_edits_a_user_and_an_empty_password_keeps_the_old_one(admin_client):
    kari = make_user("kari", full_name="Kari Nordmann")
    old_hash = kari.password_hash
    url = f"/users/{kari.id}/edit"
    page = admin_client.get(url).get_data(as_text=True)
    assert 'value="Kari Nordmann"' in page and 'name="password" type="password" value=""' in page
    response = post_form(admin_client, url, _form(username="kari.n", full_name="Kari N.",
                                                  locale="en", password="", is_admin="y"))
    assert response.status_code == 302
    db.session.refresh(kari)
    assert (kari.username, kari.full_name, kari.locale, kari.is_admin) == (
        "kari.n", "Kari N.", "en", True)
    assert kari.password_hash == old_hash


def test_admin_sets_a_new_password(admin_client):
    kari = make_user("kari")
    post_form(admin_client, f"/users/{kari.id}/edit", _form(username="kari"))
    db.session.refresh(kari)
    assert verify_password(kari.password_hash, NEW_PASSWORD)


def test_admins_cannot_take_away_their_own_rights_or_deactivate_themselves(admin_client,
                                                                          admin):
    url = f"/users/{admin.id}/edit"
    response = post_form(admin_client, url, _form(username=admin.username, password=""))
    assert "cannot take away your own administrator rights" in \
        response.get_data(as_text=True)
    page = f"/users/{admin.id}"
    response = post_form(admin_client, f"{page}/active", {"active": "0"}, token_from=page,
                         follow_redirects=True)
    assert "You cannot deactivate yourself" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_admin and admin.is_active


def test_a_deactivated_user_cannot_sign_in_until_reactivated(admin_client, client, app):
    kari = make_user("kari")
    page = f"/users/{kari.id}"
    assert post_form(admin_client, f"{page}/active", {"active": "0"},
                     token_from=page).status_code == 302
    db.session.refresh(kari)
    assert not kari.is_active
    assert db.session.get(User, kari.id) is not None  # kept, not deleted
    other_browser = type(client)(app, app.response_class)
    assert login(other_browser, "kari", DEFAULT_PASSWORD).status_code == 200  # refused
    post_form(admin_client, f"{page}/active", {"active": "1"}, token_from=page)
    assert login(other_browser, "kari", DEFAULT_PASSWORD).status_code == 302


def test_deactivating_a_signed_in_user_ends_their_access(admin_client, client, app):
    kari = make_user("kari", locale="en")
    kari_browser = type(client)(app, app.response_class)
    assert login(kari_browser, "kari", DEFAULT_PASSWORD).status_code == 302
    assert kari_browser.get("/").status_code == 200
    page = f"/users/{kari.id}"
    post_form(admin_client, f"{page}/active", {"active": "0"}, token_from=page)
    response = kari_browser.get("/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_list_filters_by_text_and_status(admin_client):
    make_user("kari", full_name="Kari Nordmann")
    make_user("ola", full_name="Ola Nordmann", is_active=False)
    make_user("per", full_name="Per Hansen", email="per@sykehus.example.org")
    html = admin_client.get("/users/?q=nordmann").get_data(as_text=True)
    assert "Kari Nordmann" in html and "Ola Nordmann" in html and "Per Hansen" not in html
    assert 'data-color="neutral"' in html  # Ola's inactive tag
    html = admin_client.get("/users/?q=nordmann&status=inactive").get_data(as_text=True)
    assert "Ola Nordmann" in html and "Kari Nordmann" not in html
    html = admin_client.get("/users/?q=SYKEHUS").get_data(as_text=True)
    assert "Per Hansen" in html and "Kari Nordmann" not in html


def test_the_list_is_paginated_and_the_filter_survives_paging(admin_client):
    for number in range(30):
        make_user(f"bruker{number:02d}", full_name=f"Testbruker {number:02d}")
    first = admin_client.get("/users/?q=testbruker").get_data(as_text=True)
    assert "Testbruker 00" in first and "Testbruker 29" not in first
    assert "q=testbruker" in first and "page=2" in first
    second = admin_client.get("/users/?q=testbruker&page=2").get_data(as_text=True)
    assert "Testbruker 29" in second and "Testbruker 00" not in second


def test_an_expired_form_comes_back_with_what_was_typed_but_no_password(admin_client):
    admin_client.get("/users/new")
    response = admin_client.post("/users/new", data={**_form(), "csrf_token": "stale"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The page had expired" in html and 'value="Kari.Nordmann"' in html
    assert NEW_PASSWORD not in html
    assert _user("kari.nordmann") is None
