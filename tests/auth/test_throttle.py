"""Repeated failed sign-ins slow down, then lock the user name for a while.

Time is passed in as ``now`` (or set by replacing the services' clock); nothing sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from avvik.auth.models import LoginThrottle
from avvik.auth.services import sign_in
from avvik.auth.throttle import ThrottlePolicy, delay_after
from avvik.core.errors import ValidationFailed
from avvik.extensions import db
from tests.auth.conftest import normalised_page
from tests.conftest import login, new_browser
from tests.factories import DEFAULT_PASSWORD

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
#: Longer than any slow-down delay, so that each of these failures is really checked.
SPACING = timedelta(minutes=2)
WRONG = "feil-passord-123"


def refusal(username: str, password: str, now: datetime) -> str:
    with pytest.raises(ValidationFailed) as caught:
        sign_in(username, password, now=now)
    return caught.value.errors[0][1]


def fail_times(username: str, count: int, start: datetime = T0) -> datetime:
    """``count`` failures, spaced out; returns the time of the last one."""
    for i in range(count):
        assert "wrong" in refusal(username, WRONG, start + i * SPACING)
    return start + (count - 1) * SPACING


def failures(username: str) -> int:
    throttle = db.session.get(LoginThrottle, username)
    return 0 if throttle is None else throttle.failures


def test_delay_doubles_after_the_third_failure_and_is_capped():
    policy = ThrottlePolicy(slowdown_after=3, lock_after=10, lock_for=timedelta(minutes=15))
    delays = [delay_after(n, policy).total_seconds() for n in range(0, 12)]
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_third_failure_starts_a_one_second_wait(request_context, kari):
    last = fail_times("kari", 3)
    # Right after the third failure the correct password must still wait one second …
    assert "Wait" in refusal("kari", DEFAULT_PASSWORD, last + timedelta(milliseconds=500))
    assert failures("kari") == 3  # a refused attempt is not checked, so not counted
    # … and is accepted once it has passed.
    assert sign_in("kari", DEFAULT_PASSWORD, now=last + timedelta(seconds=1)) == kari


def test_second_failure_is_not_slowed(request_context, kari):
    last = fail_times("kari", 2)
    assert sign_in("kari", DEFAULT_PASSWORD, now=last + timedelta(milliseconds=10)) == kari


def test_delay_grows_with_each_failure(request_context, kari):
    last = fail_times("kari", 5)  # delay is now 4 s
    assert "Wait" in refusal("kari", DEFAULT_PASSWORD, last + timedelta(seconds=3))
    assert sign_in("kari", DEFAULT_PASSWORD, now=last + timedelta(seconds=4)) == kari


def test_tenth_failure_locks_then_lock_runs_out(request_context, kari):
    last = fail_times("kari", 10)
    assert failures("kari") == 10
    for minutes in (2, 10, 14.9):
        message = refusal("kari", DEFAULT_PASSWORD, last + timedelta(minutes=minutes))
        assert "Wait" in message and "15 minutes" in message
    assert sign_in("kari", DEFAULT_PASSWORD, now=last + timedelta(minutes=15)) == kari


def test_failure_after_a_lock_has_run_out_locks_again(request_context, kari):
    last = fail_times("kari", 10)
    after_lock = last + timedelta(minutes=16)
    assert "wrong" in refusal("kari", WRONG, after_lock)
    assert "Wait" in refusal("kari", DEFAULT_PASSWORD, after_lock + timedelta(minutes=5))


def test_success_resets_the_count(request_context, kari):
    last = fail_times("kari", 9)
    sign_in("kari", DEFAULT_PASSWORD, now=last + timedelta(minutes=2))
    assert failures("kari") == 0
    fail_times("kari", 1, start=last + timedelta(minutes=3))
    assert failures("kari") == 1  # a fresh count: far from the lock


def test_unknown_name_is_locked_exactly_like_a_known_one(request_context, kari):
    known_last = fail_times("kari", 10)
    unknown_last = fail_times("karl", 10)
    assert refusal("kari", DEFAULT_PASSWORD, known_last + timedelta(minutes=1)) == \
        refusal("karl", DEFAULT_PASSWORD, unknown_last + timedelta(minutes=1))


def test_locked_page_is_identical_for_known_and_unknown_names(app, client, kari, clock):
    locked_until = clock.now + timedelta(minutes=10)
    for name in ("kari", "karl"):
        db.session.add(LoginThrottle(username=name, failures=10, locked_until=locked_until,
                                     last_failure_at=clock.now))
    db.session.flush()
    known = login(client, "kari", DEFAULT_PASSWORD)
    unknown = login(new_browser(app), "karl", DEFAULT_PASSWORD)
    assert "Wait a while" in known.get_data(as_text=True)
    assert normalised_page(known, "kari") == normalised_page(unknown, "karl")
    assert client.get("/").status_code == 302  # the right password did not get in


def test_login_page_slows_down_after_three_failures(client, kari, monkeypatch):
    import avvik.auth.services as services

    monkeypatch.setattr(services, "utcnow", lambda: T0)  # the clock stands still
    for _ in range(3):
        assert "wrong" in login(client, "kari", WRONG).get_data(as_text=True)
    response = login(client, "kari", DEFAULT_PASSWORD)
    assert "Wait a while" in response.get_data(as_text=True)
    monkeypatch.setattr(services, "utcnow", lambda: T0 + timedelta(seconds=1))
    assert login(client, "kari", DEFAULT_PASSWORD).headers["Location"] == "/"
