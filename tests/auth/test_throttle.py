"""Failed sign-ins slow the guesser down, and no stranger can lock the real user out.

Time is the ``clock`` fixture's: the moving windows read the same clock. These tests count
in the app's memory (TestingConfig); tests/auth/test_throttle_redis.py runs the same
rules on a real Redis.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from avvik.auth.services import sign_in
from avvik.auth.throttle import (
    Attempt,
    Throttled,
    client_key,
    seconds_to_wait,
    slowdown_ladder,
    throttle_key,
)
from avvik.core.errors import ValidationFailed
from tests.auth.conftest import normalised_page
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD

WRONG = "feil-passord-123"
#: How much later than the wait a retry arrives: a real request never comes at the very
#: instant a window ends (where the storages differ on whether it is still inside).
A_MOMENT = timedelta(milliseconds=1)
HOME, STRANGER = "198.51.100.7", "203.0.113.66"


def fail(username: str, address: str = HOME) -> None:
    with pytest.raises(ValidationFailed) as caught:
        sign_in(username, WRONG, address=address)
    assert "wrong" in caught.value.errors[0][1]


def wait_for(username: str, password: str = DEFAULT_PASSWORD, address: str = HOME) -> int:
    """The wait a sign-in is refused with (0 when it is not refused for waiting)."""
    try:
        sign_in(username, password, address=address)
    except Throttled as throttled:
        return throttled.retry_after
    except ValidationFailed:
        return 0
    return 0


def pending_wait(username: str, address: str = HOME) -> int:
    """The wait the next attempt would get, without making one."""
    return seconds_to_wait(Attempt(throttle_key(username), client_key(address)))


def fail_as_fast_as_allowed(username: str, count: int, clock, address: str) -> list[int]:
    """``count`` wrong passwords, each as soon as the last wait allows; the waits."""
    waits = []
    for _ in range(count):
        wait = pending_wait(username, address)
        if wait:
            waits.append(wait)
            clock.shift(timedelta(seconds=wait) + A_MOMENT)
        fail(username, address)
    return waits


def test_the_ladder_doubles_the_wait_after_the_free_attempts():
    ladder = slowdown_ladder(3, 900)
    assert [(item.amount, item.get_expiry()) for item in ladder] == [
        (3, 1), (4, 3), (5, 7), (6, 15), (7, 31), (8, 63), (9, 127), (10, 255), (11, 511),
        (12, 1023), (13, 1923)]


def test_third_failure_starts_a_one_second_wait(request_context, kari, clock):
    for _ in range(3):
        fail("kari")
    # Right after the third failure even the right password must wait one second …
    assert wait_for("kari") == 1
    clock.shift(timedelta(seconds=1) + A_MOMENT)
    # … and is accepted once it has passed.
    assert sign_in("kari", DEFAULT_PASSWORD, address=HOME) == kari


def test_two_failures_do_not_slow_anyone(request_context, kari, clock):
    fail("kari")
    fail("kari")
    assert sign_in("kari", DEFAULT_PASSWORD, address=HOME) == kari


def test_each_further_failure_doubles_the_wait_up_to_the_cap(request_context, kari, clock,
                                                             app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_LIMIT", "1000 per minute")
    waits = fail_as_fast_as_allowed("kari", 14, clock, HOME)
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900]


def test_a_stranger_cannot_lock_the_real_user_out(request_context, kari, clock, app,
                                                  monkeypatch):
    # A patient guesser on one address, inside the account's gentle cap, is slowed …
    monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_LIMIT", "1000 per minute")
    waits = fail_as_fast_as_allowed("kari", 40, clock, STRANGER)
    assert waits[:11] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900]
    # … who after forty failures must wait for the first of them to be a day old …
    assert pending_wait("kari", STRANGER) > 20 * 3600
    # … while Kari, on her own address, signs in at once.
    assert sign_in("kari", DEFAULT_PASSWORD, address=HOME) == kari


def test_many_strangers_delay_the_user_by_at_most_the_accounts_window(request_context, kari,
                                                                      clock):
    # Ten addresses, one wrong password each: the account's cap (10 a minute) is full.
    for n in range(10):
        fail("kari", address=f"203.0.113.{n}")
    wait = wait_for("kari")
    assert 0 < wait <= 60  # a delay, never a lock
    clock.shift(timedelta(seconds=wait) + A_MOMENT)
    assert sign_in("kari", DEFAULT_PASSWORD, address=HOME) == kari


def test_one_address_cannot_try_name_after_name(request_context, clock):
    for n in range(30):
        fail(f"ukjent{n}", address=STRANGER)
    assert wait_for("enda-en", WRONG, address=STRANGER) > 0
    assert wait_for("enda-en", WRONG, address=HOME) == 0  # other addresses go on


def test_success_forgets_the_failures_of_its_address_only(request_context, kari, clock):
    for _ in range(3):
        fail("kari")
    for _ in range(3):
        fail("kari", address=STRANGER)
    clock.shift(timedelta(seconds=1) + A_MOMENT)
    sign_in("kari", DEFAULT_PASSWORD, address=HOME)
    fail("kari")
    fail("kari")
    assert wait_for("kari") == 0  # a fresh count at home: two failures are free
    fail("kari", address=STRANGER)
    assert wait_for("kari", WRONG, address=STRANGER) > 0  # the stranger's count stands


def test_unknown_name_is_slowed_exactly_like_a_known_one(request_context, kari, clock):
    waits = {}
    for name in ("kari", "karl"):
        fail_as_fast_as_allowed(name, 4, clock, HOME)
        waits[name] = wait_for(name)
    assert waits == {"kari": 2, "karl": 2}


def test_ipv6_clients_count_by_their_64_network():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert client_key(None) == "unknown"


def test_login_page_says_how_long_to_wait(app, client, kari, clock):
    for _ in range(3):
        assert "wrong" in login(client, "kari", WRONG).get_data(as_text=True)
    response = login(client, "kari", DEFAULT_PASSWORD)
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert "Wait 1 second and try again" in response.get_data(as_text=True)
    assert 'value="kari"' in response.get_data(as_text=True)  # what was typed is kept
    clock.shift(timedelta(seconds=1) + A_MOMENT)
    assert login(client, "kari", DEFAULT_PASSWORD).headers["Location"] == "/"


def test_the_wait_page_is_identical_for_known_and_unknown_names(app, kari, clock):
    pages = []
    for name in ("kari", "karl"):
        browser = new_browser(app)
        for _ in range(3):
            login(browser, name, WRONG)
        response = login(browser, name, DEFAULT_PASSWORD)
        assert response.status_code == 429
        pages.append(normalised_page(response, name))
    assert pages[0] == pages[1]


def test_a_forwarded_for_header_is_not_believed_without_a_proxy(app, client, kari, clock):
    for n in range(3):
        login(client, "kari", WRONG)
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
    # Each claimed a different address; all three were counted on the connection's.
    assert login(client, "kari", DEFAULT_PASSWORD).status_code == 429


def test_the_users_usual_browser_is_spared_the_accounts_cap(app, kari, clock):
    usual = _at(new_browser(app), HOME)
    assert login(usual, "kari", DEFAULT_PASSWORD).status_code == 302
    post_form(usual, "/auth/logout", {}, token_from="/auth/profile")
    for n in range(20):  # strangers on twenty addresses keep the account's cap full
        login(_at(new_browser(app), f"203.0.113.{n}"), "kari", WRONG)
    newcomer = _at(new_browser(app), HOME)
    assert login(newcomer, "kari", DEFAULT_PASSWORD).status_code == 429
    assert login(usual, "KARI", DEFAULT_PASSWORD).headers["Location"] == "/"


def test_a_made_up_known_browser_cookie_is_not_believed(app, kari, clock):
    for n in range(10):
        login(_at(new_browser(app), f"203.0.113.{n}"), "kari", WRONG)
    forger = _at(new_browser(app), HOME)
    forger.set_cookie("avvik_known", "W10.forged.signature")
    assert login(forger, "kari", DEFAULT_PASSWORD).status_code == 429


def _at(browser, address: str):
    browser.environ_base["REMOTE_ADDR"] = address
    return browser
