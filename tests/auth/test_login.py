"""Signing in through the login page."""

from __future__ import annotations

from argon2 import PasswordHasher

from avvik.auth.models import LoginSession
from avvik.extensions import db
from tests.auth.conftest import normalised_page
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD, make_user


def test_login_page_has_autocomplete_hints_and_no_password_value(client, db_session):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'autocomplete="username"' in html
    assert 'autocomplete="current-password"' in html
    assert 'name="viewport"' in html  # usable on a phone


def test_successful_login_lands_on_start_page(client, kari):
    response = login(client, "kari", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    start = client.get("/")
    assert start.status_code == 200
    assert "Kari Nordmann" in start.get_data(as_text=True)


def test_login_records_time_and_opens_a_server_side_session(client, kari):
    login(client, "kari", DEFAULT_PASSWORD)
    db.session.refresh(kari)
    assert kari.last_login_at is not None
    sessions = db.session.execute(db.select(LoginSession).filter_by(user_id=kari.id)).scalars()
    login_session = sessions.one()
    assert login_session.ended_at is None
    assert len(login_session.token) >= 40
    with client.session_transaction() as session:
        assert session["_user_id"] == login_session.token  # the token, not the user's id


def test_user_name_is_matched_regardless_of_case(client, kari):
    response = login(client, "  Kari ", DEFAULT_PASSWORD)
    assert response.headers["Location"] == "/"


def test_wrong_name_and_wrong_password_get_identical_responses(app, client, kari):
    wrong_password = login(client, "kari", "feil-passord-123")
    other = new_browser(app)
    wrong_name = login(other, "kira", DEFAULT_PASSWORD)
    assert wrong_password.status_code == wrong_name.status_code == 200
    assert "The user name or the password is wrong." in wrong_name.get_data(as_text=True)
    assert normalised_page(wrong_password, "kari") == normalised_page(wrong_name, "kira")
    assert client.get("/").status_code == 302  # still signed out


def test_inactive_user_gets_the_same_answer_as_a_wrong_password(app, client, db_session):
    make_user("ola", is_active=False)
    inactive = login(client, "ola", DEFAULT_PASSWORD)
    unknown = login(new_browser(app), "ole", "feil-passord-123")
    assert normalised_page(inactive, "ola") == normalised_page(unknown, "ole")
    assert client.get("/").status_code == 302


def test_unknown_name_is_checked_against_a_dummy_hash(client, db_session, monkeypatch):
    import avvik.auth.services as services

    checked = []
    original = services.verify_password
    monkeypatch.setattr(services, "verify_password",
                        lambda password_hash, password: checked.append(password_hash)
                        or original(password_hash, password))
    login(client, "finnes-ikke", "feil-passord-123")
    assert len(checked) == 1 and checked[0].startswith("$argon2id$")


def test_failures_are_counted_for_known_and_unknown_names(clock, app, client, kari):
    # The clock stands still: the wait is read as it was set, however slow the sign-ins.
    from avvik.auth.throttle import Attempt, client_key, seconds_to_wait, throttle_key

    for _ in range(3):
        login(client, "KARI", "feil-passord-123")
        login(client, "ingen-slik", "feil-passord-123")
    with app.test_request_context():
        for name in ("kari", "ingen-slik"):
            assert seconds_to_wait(Attempt(throttle_key(name), client_key("127.0.0.1"))) == 1


def test_outdated_hash_is_renewed_at_login(client, kari):
    kari.password_hash = PasswordHasher(time_cost=2, memory_cost=2048).hash(DEFAULT_PASSWORD)
    db.session.flush()
    old_hash = kari.password_hash
    login(client, "kari", DEFAULT_PASSWORD)
    db.session.refresh(kari)
    assert kari.password_hash != old_hash
    assert kari.password_hash.startswith("$argon2id$v=19$m=1024,t=1")


def test_login_clears_what_was_in_the_session_before(client, kari):
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["locale"] = "en"
    login(client, "kari", DEFAULT_PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["locale"] == "en"  # the language choice is harmless and kept


def test_next_is_followed_for_a_local_path(client, kari):
    response = post_form(client, "/auth/login", {"username": "kari",
                                                 "password": DEFAULT_PASSWORD,
                                                 "next": "/auth/profile"})
    assert response.headers["Location"] == "/auth/profile"


def test_next_pointing_elsewhere_is_refused(app, kari):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example",
                   "javascript:alert(1)"):
        browser = new_browser(app)
        response = post_form(browser, "/auth/login", {"username": "kari",
                                                      "password": DEFAULT_PASSWORD,
                                                      "next": target})
        assert response.headers["Location"] == "/", target


def test_anonymous_visitor_is_sent_to_login_with_next(client, kari):
    response = client.get("/auth/profile")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Fauth%2Fprofile"
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/auth/profile"' in login_page


def test_signed_in_user_visiting_login_page_goes_to_start(client, kari):
    login(client, "kari", DEFAULT_PASSWORD)
    response = client.get("/auth/login")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_expired_csrf_token_keeps_user_name_but_never_the_password(client, kari):
    client.get("/auth/login")
    response = client.post("/auth/login", data={"csrf_token": "stale", "username": "kari",
                                                "password": "hemmelig-passord-77"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="kari"' in html
    assert "The page had expired" in html
    assert "hemmelig-passord-77" not in html
    for _ in range(3):  # not an attempt: nothing checked, nothing counted
        client.post("/auth/login", data={"csrf_token": "stale", "username": "kari",
                                         "password": "hemmelig-passord-77"})
    assert login(client, "kari", DEFAULT_PASSWORD).headers["Location"] == "/"


def test_missing_csrf_token_shows_the_form_again(client, kari):
    response = client.post("/auth/login", data={"username": "kari", "password": "x" * 12})
    assert response.status_code == 400
    assert 'value="kari"' in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
