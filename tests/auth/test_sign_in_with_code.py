"""One-time codes in the browser: setting them up, signing in with one, and administrators
who must have them."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp

from avvik.auth.totp import has_totp, secret_of, start_enrolment
from avvik.auth.two_factor import turn_on_codes
from tests.auth.conftest import signed_in_client
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD, make_user

STEP = timedelta(seconds=30)


def enrolled(user, clock) -> str:
    """Codes on for ``user``, past the step of the code that confirmed them."""
    secret = secret_of(start_enrolment(user))
    turn_on_codes(user, pyotp.TOTP(secret).at(clock.now), address="192.0.2.1")
    clock.shift(STEP * 2)
    return secret


def wrong_code(secret: str, clock) -> str:
    valid = {pyotp.TOTP(secret).at(clock.now + STEP * k) for k in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def test_the_password_alone_does_not_sign_in_an_enrolled_user(app, client, kari, clock):
    secret = enrolled(kari, clock)
    response = post_form(client, "/auth/login", {"username": "kari",
                                                 "password": DEFAULT_PASSWORD,
                                                 "next": "/auth/profile"})
    assert response.headers["Location"] == "/auth/code"
    assert client.get("/").status_code == 302  # not signed in yet
    page = client.get("/auth/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page
    response = post_form(client, "/auth/code", {"code": pyotp.TOTP(secret).at(clock.now)})
    assert response.headers["Location"] == "/auth/profile"
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_said_and_repeated_ones_must_wait(app, client, kari, clock):
    secret = enrolled(kari, clock)
    login(client, "kari", DEFAULT_PASSWORD)
    for _ in range(3):
        page = post_form(client, "/auth/code", {"code": wrong_code(secret, clock)})
        assert "The code is wrong or has been used" in page.get_data(as_text=True)
    response = post_form(client, "/auth/code", {"code": pyotp.TOTP(secret).at(clock.now)})
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert "Wait 1 second" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_recovery_code_signs_in_once(app, kari, clock):
    secret = secret_of(start_enrolment(kari))
    recovery = turn_on_codes(kari, pyotp.TOTP(secret).at(clock.now), address="192.0.2.1")
    first, second = new_browser(app), new_browser(app)
    for browser in (first, second):
        login(browser, "kari", DEFAULT_PASSWORD)
    assert post_form(first, "/auth/code", {"code": recovery[0]}).status_code == 302
    assert post_form(second, "/auth/code", {"code": recovery[0]}).status_code == 200
    assert second.get("/").status_code == 302


def test_the_code_step_runs_out_after_five_minutes(app, client, kari, clock):
    secret = enrolled(kari, clock)
    login(client, "kari", DEFAULT_PASSWORD)
    clock.shift(timedelta(minutes=5, seconds=1))
    response = client.get("/auth/code")
    assert response.headers["Location"] == "/auth/login"
    response = client.post("/auth/code", data={"code": pyotp.TOTP(secret).at(clock.now)})
    assert client.get("/").status_code == 302


def test_the_code_page_without_a_password_first_sends_to_sign_in(client, kari):
    assert client.get("/auth/code").headers["Location"] == "/auth/login"


def test_setting_up_codes_on_the_profile_page(app, kari, clock):
    browser = signed_in_client(app, "kari")
    assert "Set up one-time codes" in browser.get("/auth/profile").get_data(as_text=True)
    post_form(browser, "/auth/two-factor/start", {}, token_from="/auth/two-factor")
    page = browser.get("/auth/two-factor").get_data(as_text=True)
    assert "<svg" in page and "otpauth://totp/Avvik:kari?secret=" in page
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    code = pyotp.TOTP(secret.replace(" ", "")).at(clock.now)
    refused = post_form(browser, "/auth/two-factor/confirm", {"code": "12345"},
                        token_from="/auth/two-factor").get_data(as_text=True)
    assert "The code is wrong" in refused and "<svg" in refused  # the same QR code again
    done = post_form(browser, "/auth/two-factor/confirm", {"code": code},
                     token_from="/auth/two-factor").get_data(as_text=True)
    assert "Recovery codes" in done
    assert len(re.findall(r"<code>[a-z2-9]{5}-[a-z2-9]{5}<", done)) == 10
    assert has_totp(kari)
    assert "Manage one-time codes" in browser.get("/auth/profile").get_data(as_text=True)


def test_turning_codes_off_on_the_page(app, kari, clock):
    secret = enrolled(kari, clock)
    browser = new_browser(app)
    login(browser, "kari", DEFAULT_PASSWORD)
    post_form(browser, "/auth/code", {"code": pyotp.TOTP(secret).at(clock.now)})
    clock.shift(STEP * 2)
    wrong = post_form(browser, "/auth/two-factor/off", {
        "password": "ikke-mitt-passord", "code": pyotp.TOTP(secret).at(clock.now)},
        token_from="/auth/two-factor")
    assert "The password is wrong." in wrong.get_data(as_text=True)
    done = post_form(browser, "/auth/two-factor/off", {
        "password": DEFAULT_PASSWORD, "code": pyotp.TOTP(secret).at(clock.now)},
        token_from="/auth/two-factor")
    assert done.headers["Location"] == "/auth/profile" and not has_totp(kari)
    assert login(new_browser(app), "kari", DEFAULT_PASSWORD).headers["Location"] == "/"


def test_an_administrator_without_codes_can_only_set_them_up(app, client, clock,
                                                             monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_TOTP_REQUIRED", True)
    admin = make_user("admin", is_admin=True)
    response = login(client, "admin", DEFAULT_PASSWORD)
    assert response.headers["Location"] == "/auth/two-factor"
    for path in ("/", "/users/", "/api-tokens/", "/auth/profile"):
        assert client.get(path).headers.get("Location") == "/auth/two-factor", path
    post_form(client, "/auth/two-factor/start", {}, token_from="/auth/two-factor")
    page = client.get("/auth/two-factor").get_data(as_text=True)
    assert "Administrators must sign in with one-time codes" in page
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    post_form(client, "/auth/two-factor/confirm",
              {"code": pyotp.TOTP(secret.replace(" ", "")).at(clock.now)},
              token_from="/auth/two-factor")
    assert has_totp(admin)
    assert client.get("/users/").status_code == 200


def test_an_ordinary_user_is_not_asked_for_codes(app, client, kari, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_TOTP_REQUIRED", True)
    assert login(client, "kari", DEFAULT_PASSWORD).headers["Location"] == "/"
    assert client.get("/auth/profile").status_code == 200


def test_an_administrator_removes_the_codes_of_someone_who_lost_their_phone(app, kari,
                                                                           clock):
    enrolled(kari, clock)
    make_user("admin", is_admin=True)
    admin = signed_in_client(app, "admin")
    page = admin.get(f"/users/{kari.id}").get_data(as_text=True)
    assert "Remove one-time codes" in page
    response = post_form(admin, f"/users/{kari.id}/codes/remove", {},
                         token_from=f"/users/{kari.id}")
    assert response.headers["Location"] == f"/users/{kari.id}"
    assert not has_totp(kari)
    assert login(new_browser(app), "kari", DEFAULT_PASSWORD).headers["Location"] == "/"
