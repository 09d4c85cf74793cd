"""Failed sign-ins slow down, and no stranger can lock another person out.

Failures are counted in Flask-Limiter's storage, the broker's Redis (avvik/core/limits.py),
three ways, each a moving window:

* per account **and** client address: the first ``LOGIN_SLOWDOWN_AFTER`` failures are
  free; then the next attempt waits 1 s, 2 s, 4 s … up to ``LOGIN_MAX_DELAY_SECONDS``,
  and no more than ``LOGIN_PAIR_LIMIT`` a day. Only the guesser's own address pays: the
  real user on another address is not slowed;
* per account, from any address (``LOGIN_ACCOUNT_LIMIT``, ten a minute): a gentle cap
  on a guesser with many addresses, which delays by at most its window and never locks,
  and spares a browser that has signed in to the account before (known_browsers.py);
* per client address, any account (``LOGIN_ADDRESS_LIMIT``): one address cannot try
  password after password across many names.

An attempt is checked against all three before its password is looked at, and refused
with the wait when one is full; a failure counts in all three; a success forgets only the
account-and-address count, so signing in does not give a guesser on another address a
fresh start. One-time codes (``kind="code"``) have counts of their own per account.
Accounts are counted by a digest of the name as typed, known or not, so the answer never
tells which names exist and the store never holds what was typed (it may be a password).

The storage being unreachable must not stop everyone signing in: the check then lets the
attempt through and the failure goes uncounted, with an error in the log.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext, ngettext
from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.errors import StorageError
from limits.strategies import RateLimiter

from avvik.core.errors import DomainError
from avvik.core.limits import rate_limiter

log = logging.getLogger(__name__)

#: What is being guessed: the password, or the one-time code after it.
KINDS = ("password", "code")


class Throttled(DomainError):
    """Too many failed attempts: the next may come after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"throttled for {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Attempt:
    """Who is trying which account from where, as the counts know them."""

    account: str
    address: str
    kind: str = "password"
    #: This browser has signed in to the account before (avvik/auth/known_browsers.py):
    #: the account-wide cap does not apply to it.
    known_browser: bool = False


def throttle_key(username: str) -> str:
    """The account as counted: a digest of the name as typed, trimmed and lower-cased."""
    typed = username.strip().lower()[:80]
    return hashlib.sha256(typed.encode()).hexdigest()[:32]


def client_key(remote_addr: str | None) -> str:
    """The client address as counted. An IPv6 client counts by its /64 network, which one
    subscriber usually has whole; an IPv4-mapped address counts as the IPv4 address."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def slowdown_ladder(free: int, max_delay: int) -> list[RateLimitItem]:
    """Moving windows that make each failure after the first ``free`` in a row wait twice
    as long as the one before it: 1 s, 2 s, 4 s … and at most ``max_delay``.

    Rung ``k`` holds ``free + k`` failures in ``2**(k+1) - 1`` seconds: the time that the
    waits before it add up to. After ``free`` quick failures the first rung is full until
    a second has passed; the next failure fills the second rung for two seconds more, and
    so on. Failures spread out over time fall out of the windows, so someone who mistypes
    now and then is never slowed, and a guesser's count is forgotten once the longest
    window has passed without a failure.
    """
    ladder: list[RateLimitItem] = []
    step, window = 0, 1
    while 2 ** step < max_delay:
        ladder.append(RateLimitItemPerSecond(free + step, window))
        step += 1
        window += 2 ** step
    previous = window - 2 ** step
    ladder.append(RateLimitItemPerSecond(free + step, previous + max_delay))
    return ladder


Counts = Iterator[tuple[RateLimitItem, tuple[str, ...]]]


def _pair_counts(attempt: Attempt) -> Counts:
    """The counts of this account from this address, with their counters' identifiers."""
    config = current_app.config
    ids = (config["RATELIMIT_KEY_PREFIX"], "signin", attempt.kind, "pair", attempt.account,
           attempt.address)
    for item in slowdown_ladder(config["LOGIN_SLOWDOWN_AFTER"],
                                config["LOGIN_MAX_DELAY_SECONDS"]):
        yield item, ids
    for item in parse_many(config["LOGIN_PAIR_LIMIT"]):  # the ladder's windows roll on
        yield item, ids


def _limits(attempt: Attempt) -> Counts:
    """Every count the attempt is judged by, with the identifiers of its counter."""
    config = current_app.config
    prefix = config["RATELIMIT_KEY_PREFIX"]
    yield from _pair_counts(attempt)
    account_limit = (config["LOGIN_CODE_ACCOUNT_LIMIT"] if attempt.kind == "code"
                     else config["LOGIN_ACCOUNT_LIMIT"])
    if not (attempt.known_browser and attempt.kind == "password"):
        for item in parse_many(account_limit):
            yield item, (prefix, "signin", attempt.kind, "account", attempt.account)
    for item in parse_many(config["LOGIN_ADDRESS_LIMIT"]):
        yield item, (prefix, "signin", "address", attempt.address)


def _api_token_limits(address: str) -> Counts:
    ids = (current_app.config["RATELIMIT_KEY_PREFIX"], "api-token", address)
    for item in parse_many(current_app.config["API_AUTH_FAILURE_LIMIT"]):
        yield item, ids


def _wait(limits: Counts) -> int:
    """0 when every count has room, else the whole seconds until each has."""
    limiter = rate_limiter()
    now = time.time()
    try:
        waits = [limiter.get_window_stats(item, *ids).reset_time - now
                 for item, ids in limits if not limiter.test(item, *ids)]
    except StorageError:
        log.exception("sign-in throttle: the rate limit storage is unreachable")
        return 0
    return max(1, math.ceil(max(waits))) if waits else 0


def seconds_to_wait(attempt: Attempt) -> int:
    """0 when the attempt may be made now, else the whole seconds until it may."""
    return _wait(_limits(attempt))


def check_attempt(attempt: Attempt) -> None:
    """Raise ``Throttled`` when the attempt must wait."""
    wait = seconds_to_wait(attempt)
    if wait:
        raise Throttled(wait)


def record_failure(attempt: Attempt) -> None:
    """Count one failed attempt in each of its counts."""
    _each(rate_limiter(), _limits(attempt), "hit")


def api_token_wait(address: str) -> int:
    """Seconds a client address must wait after too many requests with no valid API
    token (``API_AUTH_FAILURE_LIMIT``); 0 when it may go on."""
    return _wait(_api_token_limits(address))


def record_api_token_failure(address: str) -> None:
    _each(rate_limiter(), _api_token_limits(address), "hit")


def record_success(attempt: Attempt) -> None:
    """Forget the account-and-address failures; the wider counts run their course."""
    _each(rate_limiter(), _pair_counts(attempt), "clear")


def _each(limiter: RateLimiter, limits: Counts, action: str) -> None:
    try:
        for item, ids in limits:
            getattr(limiter, action)(item, *ids)
    except StorageError:
        log.exception("sign-in throttle: the rate limit storage is unreachable")


def wait_message(seconds: int) -> str:
    """What the sign-in page says to an attempt that must wait, with how long."""
    if seconds < 60:
        wait = ngettext("%(num)d second", "%(num)d seconds", seconds)
    else:
        wait = ngettext("%(num)d minute", "%(num)d minutes", math.ceil(seconds / 60))
    return gettext("Too many failed attempts. Wait %(wait)s and try again.", wait=wait)
