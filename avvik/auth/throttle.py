"""Failed sign-ins slow down and then lock a user name.

Counted per user name as typed (trimmed, lower-cased), whether or not such a user exists,
so that the answer never tells an attacker which names are real. After
``LOGIN_SLOWDOWN_AFTER`` failures an attempt must wait a delay that doubles with each
further failure; after ``LOGIN_LOCK_AFTER`` failures the name is locked for
``LOGIN_LOCK_MINUTES``. Once a lock has run out the count is kept, so the next failure
locks again at once: only a successful sign-in starts the count afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from avvik.auth.models import LoginThrottle
from avvik.core.timeutil import as_utc
from avvik.extensions import db

#: The slow-down delay never grows past this (the lock takes over well before).
MAX_DELAY = timedelta(seconds=60)

#: The column is a SmallInteger; an endless attack must not overflow it.
MAX_COUNTED_FAILURES = 10_000


@dataclass(frozen=True)
class ThrottlePolicy:
    slowdown_after: int
    lock_after: int
    lock_for: timedelta

    @classmethod
    def from_config(cls) -> ThrottlePolicy:
        config = current_app.config
        return cls(slowdown_after=config["LOGIN_SLOWDOWN_AFTER"],
                   lock_after=config["LOGIN_LOCK_AFTER"],
                   lock_for=timedelta(minutes=config["LOGIN_LOCK_MINUTES"]))


def throttle_key(username: str) -> str:
    """The name the failures are counted under: as typed, trimmed and lower-cased."""
    return username.strip().lower()[:80]


def delay_after(failures: int, policy: ThrottlePolicy) -> timedelta:
    """How long after the last failure the next attempt must wait: 1 s, 2 s, 4 s … 60 s."""
    if failures < policy.slowdown_after:
        return timedelta(0)
    exponent = min(failures - policy.slowdown_after, 16)
    return min(timedelta(seconds=2 ** exponent), MAX_DELAY)


def is_throttled(throttle: LoginThrottle | None, now: datetime, policy: ThrottlePolicy) -> bool:
    """True while the name is locked or its slow-down delay has not yet passed."""
    if throttle is None:
        return False
    if throttle.locked_until is not None and now < as_utc(throttle.locked_until):
        return True
    if throttle.last_failure_at is None:
        return False
    return now < as_utc(throttle.last_failure_at) + delay_after(throttle.failures, policy)


def throttle_for_update(key: str) -> LoginThrottle | None:
    """The name's row, locked until commit, so that parallel attempts on one name queue up
    behind each other instead of each seeing the old count (PostgreSQL; SQLite's write
    transactions are serial anyway)."""
    return db.session.execute(
        db.select(LoginThrottle).filter_by(username=key)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()


def record_failure(key: str, now: datetime, policy: ThrottlePolicy) -> LoginThrottle:
    """Count one failed attempt; lock the name when the count reaches the limit."""
    throttle = throttle_for_update(key)
    if throttle is None:
        try:
            with db.session.begin_nested():
                throttle = LoginThrottle(username=key, failures=0)
                db.session.add(throttle)
        except IntegrityError:
            # A parallel request counted this name's first failure a moment ago.
            throttle = throttle_for_update(key)
            assert throttle is not None
    throttle.failures = min((throttle.failures or 0) + 1, MAX_COUNTED_FAILURES)
    throttle.last_failure_at = now
    if throttle.failures >= policy.lock_after:
        throttle.locked_until = now + policy.lock_for
    db.session.flush()
    return throttle


def clear_failures(key: str) -> None:
    """A successful sign-in forgets the name's failures."""
    db.session.execute(db.delete(LoginThrottle).filter_by(username=key))
