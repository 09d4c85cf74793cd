"""Signing out ends the session on the server."""

from __future__ import annotations

from avvik.auth.models import LoginSession
from avvik.extensions import db
from tests.conftest import csrf_token_from, login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD


def sign_out(client):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    return client.post("/auth/logout", data={"csrf_token": token})


def test_logout_ends_the_login_session(client, kari):
    login(client, "kari", DEFAULT_PASSWORD)
    response = sign_out(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    assert "You are signed out." in client.get("/auth/login").get_data(as_text=True)
    login_session = db.session.execute(
        db.select(LoginSession).filter_by(user_id=kari.id)).scalar_one()
    assert login_session.ended_at is not None
    assert client.get("/").status_code == 302


def test_copied_session_cookie_is_useless_after_logout(app, client, kari):
    login(client, "kari", DEFAULT_PASSWORD)
    assert client.get("/").status_code == 200
    copied = client.get_cookie("session").value

    thief = new_browser(app)
    thief.set_cookie("session", copied)
    assert thief.get("/").status_code == 200  # the copy works while the session is open

    sign_out(client)
    replay = new_browser(app)
    replay.set_cookie("session", copied)
    response = replay.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")
    assert thief.get("/auth/profile").status_code == 302


def test_logout_is_not_possible_with_get(client, kari):
    login(client, "kari", DEFAULT_PASSWORD)
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_logout_without_csrf_token_is_refused(client, kari):
    login(client, "kari", DEFAULT_PASSWORD)
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_signing_in_again_ends_the_previous_session(client, kari):
    login(client, "kari", DEFAULT_PASSWORD)
    first = client.get_cookie("session").value
    again = post_form(client, "/auth/login", {"username": "kari", "password": DEFAULT_PASSWORD},
                      token_from="/")
    assert again.headers["Location"] == "/"
    old = new_browser(client.application)
    old.set_cookie("session", first)
    assert old.get("/").status_code == 302
    assert client.get("/").status_code == 200
