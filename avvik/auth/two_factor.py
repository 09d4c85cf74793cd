"""The second factor as the user meets it: turning codes on and off, and the code at sign-in.

Every code typed is throttled like a password (avvik/auth/throttle.py, ``kind="code"``):
a few wrong codes in a row and the next must wait, doubling. Services flush, never commit.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from avvik.audit.services import audit
from avvik.auth.passwords import verify_password
from avvik.auth.recovery import forget_recovery_codes, make_recovery_codes, spend_recovery_code
from avvik.auth.throttle import (
    Attempt,
    check_attempt,
    client_key,
    record_failure,
    record_success,
    throttle_key,
)
from avvik.auth.totp import (
    WRONG_CODE,
    claim_code,
    codes_required,
    confirm_enrolment,
    enrolment_of,
    remove_enrolment,
)
from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.users.models import User

TOTP_ON = "user.totp_enabled"
TOTP_OFF = "user.totp_disabled"
TOTP_REMOVED = "user.totp_removed_by_admin"


def _attempt(user: User, address: str | None, kind: str) -> Attempt:
    return Attempt(throttle_key(user.username), client_key(address), kind=kind)


def check_second_factor(user: User, code: str, *, address: str | None,
                        now: datetime | None = None) -> None:
    """Accept a code from the user's app, or one of their unused recovery codes (spent
    now); else count the failure and raise ``ValidationFailed``."""
    now = now or utcnow()
    attempt = _attempt(user, address, "code")
    check_attempt(attempt)
    enrolment = enrolment_of(user)
    accepted = (enrolment is not None and enrolment.confirmed_at is not None
                and (claim_code(enrolment, code, now)
                     or spend_recovery_code(user, code, now=now)))
    if not accepted:
        record_failure(attempt)
        raise ValidationFailed([("code", str(WRONG_CODE))])
    record_success(attempt)


def turn_on_codes(user: User, code: str, *, address: str | None,
                  now: datetime | None = None) -> list[str]:
    """Confirm the app with its first code; returns the new recovery codes to show once."""
    now = now or utcnow()
    attempt = _attempt(user, address, "code")
    check_attempt(attempt)
    try:
        confirm_enrolment(user, code, now=now)
    except ValidationFailed:
        record_failure(attempt)
        raise
    record_success(attempt)
    audit(TOTP_ON, "user", user.id, actor=user, now=now)
    return make_recovery_codes(user, now=now)


def turn_off_codes(user: User, password: str, code: str, *, address: str | None,
                   now: datetime | None = None) -> None:
    """Turn codes off with the password and a code (or a recovery code): a session left
    open somewhere must not be enough to remove the second factor."""
    now = now or utcnow()
    if codes_required(user):
        raise ValidationFailed([("form", str(_l(
            "Administrators must use one-time codes here: they cannot be turned off.")))])
    attempt = _attempt(user, address, "password")
    check_attempt(attempt)
    if not verify_password(user.password_hash, password):
        record_failure(attempt)
        raise ValidationFailed([("password", str(_l("The password is wrong.")))])
    record_success(attempt)
    check_second_factor(user, code, address=address, now=now)
    remove_enrolment(user)
    forget_recovery_codes(user)
    audit(TOTP_OFF, "user", user.id, actor=user, now=now)


def remove_codes_of(actor: User, user: User, *, now: datetime | None = None) -> None:
    """An administrator removes a user's codes (a lost phone, no recovery codes left): the
    user signs in with the password alone, or sets codes up again where they must."""
    if not actor.is_admin:
        raise PermissionDenied()
    now = now or utcnow()
    remove_enrolment(user)
    forget_recovery_codes(user)
    audit(TOTP_REMOVED, "user", user.id, actor=actor, now=now)
