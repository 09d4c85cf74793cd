"""Password hashing (argon2id) and the password policy.

Hashing: argon2id at OWASP's parameters for a web server (19 MiB, 2 passes, one lane);
a hash made with other parameters is renewed at the owner's next sign-in.

Policy, for every password a person chooses or is given: at least 12 characters, not
easy to guess by zxcvbn's estimate (avvik/auth/strength.py), without the user name, and
never the demo's published password. The demo loader is the one place that writes that
password (it hashes it directly); every service that sets a person's password checks
``password_problems``, so outside the demo it is refused.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from avvik.auth.strength import guessable_problem

MIN_PASSWORD_LENGTH = 12

#: OWASP's argon2id parameters for a web server: (time cost, memory cost in KiB).
HASH_TIME_COST, HASH_MEMORY_COST = 2, 19456


@cache
def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    # argon2id; one lane, as OWASP's figures assume (argon2-cffi's default is four).
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)


def _hash_parameters() -> tuple[int, int]:
    if has_app_context():
        config = current_app.config
        return (config.get("PASSWORD_HASH_TIME_COST", HASH_TIME_COST),
                config.get("PASSWORD_HASH_MEMORY_COST", HASH_MEMORY_COST))
    return (HASH_TIME_COST, HASH_MEMORY_COST)


def hasher() -> PasswordHasher:
    """The app's hasher; tests configure cheaper parameters (PASSWORD_HASH_* settings)."""
    return _hasher(*_hash_parameters())


@cache
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    return _hasher(time_cost, memory_cost).hash(secrets.token_urlsafe(24))


def dummy_password_hash() -> str:
    """A hash of a random secret with the app's parameters. Sign-in verifies against it when
    the user name is unknown, so that the time taken does not tell whether the user exists."""
    return _dummy_hash(*_hash_parameters())


def hash_password(password: str) -> str:
    return hasher().hash(password)


def unusable_password_hash() -> str:
    """For a user made while password sign-in is off: the hash of a secret nobody was told,
    so that no password opens the account should password sign-in be turned on again."""
    return hash_password(secrets.token_urlsafe(32))


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def _is_demo_password(password: str) -> bool:
    from avvik.demo.people import DEMO_PASSWORD  # the demo package depends on this one

    return password.strip().lower() == DEMO_PASSWORD


def password_problems(password: str, *, username: str | None = None) -> list[str]:
    """Why this password may not be used, each saying what to do; empty when acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return [str(_l("Use at least %(n)d characters: three or four uncommon words make a "
                       "password that is long and easy to remember.", n=MIN_PASSWORD_LENGTH))]
    if _is_demo_password(password):
        return [str(_l("This is the demo's published password. Choose one of your own."))]
    if username and username.lower() in password.lower():
        return [str(_l("The password must not contain the user name."))]
    known = [username, *username.replace("@", ".").replace("_", ".").replace("-", ".")
             .split(".")] if username else []
    problem = guessable_problem(password, known)
    return [problem] if problem else []
