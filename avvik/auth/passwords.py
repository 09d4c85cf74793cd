"""Password hashing (argon2id) and the password policy.

Policy: at least 10 characters, and not one of the common passwords that the zxcvbn
project ranks (30,000 leaked passwords), nor an obvious Norwegian one.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

MIN_PASSWORD_LENGTH = 10

#: Common Norwegian choices that the English-language list does not hold.
NORWEGIAN_COMMON = frozenset({
    "passord123", "passord1234", "passord12345", "sommer2024", "sommer2025", "sommer2026",
    "vinter2025", "vinter2026", "hoest2026", "sykehus123", "kommune123", "helsenorge",
    "norge12345", "velkommen1", "velkommen123", "hemmelig123",
})


@cache
def _hasher(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)  # argon2id


def _hash_parameters() -> tuple[int, int]:
    if has_app_context():
        config = current_app.config
        return (config.get("PASSWORD_HASH_TIME_COST", 3),
                config.get("PASSWORD_HASH_MEMORY_COST", 65536))
    return (3, 65536)


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


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"]) | NORWEGIAN_COMMON


def password_problems(password: str, *, username: str | None = None) -> list[str]:
    """Why this password may not be used; an empty list means it is acceptable."""
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(str(_l("The password must have at least %(n)d characters.",
                               n=MIN_PASSWORD_LENGTH)))
    lowered = password.lower()
    if lowered in common_passwords():
        problems.append(str(_l("This password is too common. Choose another.")))
    elif username and username.lower() in lowered:
        problems.append(str(_l("The password must not contain the user name.")))
    return problems
