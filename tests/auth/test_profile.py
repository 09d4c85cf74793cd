"""The signed-in user's own profile: who they are, their language and their password."""

from __future__ import annotations

from avvik.auth.models import LoginSession
from avvik.auth.passwords import verify_password
from avvik.extensions import db
from avvik.users.models import Role
from tests.auth.conftest import signed_in_client
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD, make_unit, make_user

NEW_PASSWORD = "fjell-bris-kanelbolle-9"


def change(client, current: str, new: str, confirm: str | None = None):
    return post_form(client, "/auth/profile/password",
                     {"current_password": current, "new_password": new,
                      "confirm_password": new if confirm is None else confirm},
                     token_from="/auth/profile")


def test_profile_shows_name_email_and_roles(app, db_session):
    unit = make_unit("Hjemmetjenesten Nord")
    make_user("lise", full_name="Lise Leder", email="lise@example.test",
              roles=[(Role.LEADER, unit)])
    html = signed_in_client(app, "lise").get("/auth/profile").get_data(as_text=True)
    for expected in ("Lise Leder", "lise@example.test", "Leader", "Hjemmetjenesten Nord",
                     'autocomplete="new-password"'):
        assert expected in html


def test_profile_is_in_the_navigation(app, kari):
    html = signed_in_client(app, "kari").get("/").get_data(as_text=True)
    assert 'href="/auth/profile"' in html


def test_user_chooses_english(app, kari):
    client = signed_in_client(app, "kari")
    response = post_form(client, "/auth/profile/language", {"locale": "en"},
                         token_from="/auth/profile")
    assert response.headers["Location"] == "/auth/profile"
    db.session.refresh(kari)
    assert kari.locale == "en"
    assert '<html lang="en">' in client.get("/auth/profile").get_data(as_text=True)


def test_unknown_language_is_refused(app, kari):
    client = signed_in_client(app, "kari")
    response = post_form(client, "/auth/profile/language", {"locale": "sv"},
                         token_from="/auth/profile")
    assert response.status_code == 200
    db.session.refresh(kari)
    assert kari.locale is None


def test_password_change_ends_other_sessions_but_keeps_this_one(app, kari):
    here = signed_in_client(app, "kari")
    elsewhere = signed_in_client(app, "kari")
    response = change(here, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert response.headers["Location"] == "/auth/profile"
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    open_sessions = db.session.execute(
        db.select(LoginSession).filter_by(user_id=kari.id, ended_at=None)).scalars().all()
    assert len(open_sessions) == 1
    db.session.refresh(kari)
    assert verify_password(kari.password_hash, NEW_PASSWORD)
    assert login(new_browser(app), "kari", NEW_PASSWORD).headers["Location"] == "/"
    assert login(new_browser(app), "kari", DEFAULT_PASSWORD).status_code == 200  # refused


def test_password_change_requires_the_current_password(app, kari, clock):
    client = signed_in_client(app, "kari")
    other = signed_in_client(app, "kari")
    response = change(client, "ikke-mitt-passord", NEW_PASSWORD)
    assert "The current password is wrong." in response.get_data(as_text=True)
    db.session.refresh(kari)
    assert verify_password(kari.password_hash, DEFAULT_PASSWORD)
    assert other.get("/").status_code == 200
    # Guessing the current password counts like a failed sign-in: the third must wait.
    change(client, "ikke-mitt-passord", NEW_PASSWORD)
    change(client, "ikke-mitt-passord", NEW_PASSWORD)
    response = change(client, DEFAULT_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 429 and "Wait 1 second" in response.get_data(as_text=True)


def test_new_password_must_meet_the_policy(app, kari):
    client = signed_in_client(app, "kari")
    short = change(client, DEFAULT_PASSWORD, "kort1234").get_data(as_text=True)
    assert "at least 12 characters" in short
    common = change(client, DEFAULT_PASSWORD, "123456789012").get_data(as_text=True)
    assert "too easy to guess" in common
    assert NEW_PASSWORD not in common and DEFAULT_PASSWORD not in common
    db.session.refresh(kari)
    assert verify_password(kari.password_hash, DEFAULT_PASSWORD)


def test_new_password_must_be_repeated_exactly(app, kari):
    client = signed_in_client(app, "kari")
    html = change(client, DEFAULT_PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x").get_data(
        as_text=True)
    assert "The two new passwords differ." in html
    db.session.refresh(kari)
    assert verify_password(kari.password_hash, DEFAULT_PASSWORD)


def test_expired_token_on_password_form_shows_the_page_without_passwords(app, kari):
    client = signed_in_client(app, "kari")
    response = client.post("/auth/profile/password", data={
        "csrf_token": "stale", "current_password": DEFAULT_PASSWORD,
        "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The page had expired" in html
    assert NEW_PASSWORD not in html and DEFAULT_PASSWORD not in html
    db.session.refresh(kari)
    assert verify_password(kari.password_hash, DEFAULT_PASSWORD)
