"""One-time codes as services: enrolment, the code's window, replay, recovery codes, the
secret at rest, turning codes off."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest

from avvik.audit.models import AuditEntry
from avvik.auth.models import RecoveryCode, TotpEnrolment
from avvik.auth.recovery import unused_recovery_codes
from avvik.auth.throttle import Throttled
from avvik.auth.totp import has_totp, secret_of, start_enrolment
from avvik.auth.two_factor import check_second_factor, turn_off_codes, turn_on_codes
from avvik.core.errors import ValidationFailed
from avvik.extensions import db
from avvik.users.models import User
from tests.factories import DEFAULT_PASSWORD

HOME = "198.51.100.7"
STEP = timedelta(seconds=30)


def code_at(secret: str, clock, offset: timedelta = timedelta(0)) -> str:
    return pyotp.TOTP(secret).at(clock.now + offset)


def wrong_code(secret: str, clock) -> str:
    valid = {code_at(secret, clock, STEP * k) for k in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222") if code not in valid)


def enrol(user: User, clock) -> tuple[str, list[str]]:
    """Codes turned on for ``user``; their secret and recovery codes."""
    secret = secret_of(start_enrolment(user))
    recovery = turn_on_codes(user, code_at(secret, clock), address=HOME)
    # Past the window of the code just used, which may not be used again.
    clock.shift(STEP * 2)
    return secret, recovery


def refused(user: User, code: str, address: str = HOME) -> str:
    with pytest.raises(ValidationFailed) as caught:
        check_second_factor(user, code, address=address)
    return caught.value.errors[0][1]


def test_codes_are_on_only_once_confirmed_with_a_code(request_context, kari, clock):
    enrolment = start_enrolment(kari)
    assert not has_totp(kari)
    with pytest.raises(ValidationFailed):
        turn_on_codes(kari, wrong_code(secret_of(enrolment), clock), address=HOME)
    assert not has_totp(kari)
    recovery = turn_on_codes(kari, code_at(secret_of(enrolment), clock), address=HOME)
    assert has_totp(kari) and len(recovery) == 10 and len(set(recovery)) == 10
    assert db.session.execute(db.select(AuditEntry).filter_by(
        action="user.totp_enabled", object_id=kari.id)).scalar_one()


def test_the_secret_is_encrypted_at_rest(request_context, kari, clock):
    secret, _recovery = enrol(kari, clock)
    stored = db.session.get(TotpEnrolment, kari.id).secret_ciphertext
    assert secret.encode() not in stored and secret_of(db.session.get(TotpEnrolment, kari.id))


def test_a_code_is_accepted_within_half_a_minute_of_drift(request_context, kari, clock):
    secret, _recovery = enrol(kari, clock)
    check_second_factor(kari, code_at(secret, clock, -STEP), address=HOME)
    clock.shift(STEP * 2)
    check_second_factor(kari, code_at(secret, clock, STEP), address=HOME)
    clock.shift(STEP * 3)
    assert "wrong" in refused(kari, code_at(secret, clock, -STEP * 2))


def test_a_code_works_once(request_context, kari, clock):
    secret, _recovery = enrol(kari, clock)
    code = code_at(secret, clock)
    check_second_factor(kari, code, address=HOME)
    assert "has been used" in refused(kari, code)
    # Nor does an older code still in the window work after a newer one was used.
    assert "has been used" in refused(kari, code_at(secret, clock, -STEP))


def test_a_recovery_code_works_once_and_in_any_spelling(request_context, kari, clock):
    _secret, recovery = enrol(kari, clock)
    check_second_factor(kari, f"  {recovery[0].upper()} ", address=HOME)
    assert "wrong" in refused(kari, recovery[0])
    check_second_factor(kari, recovery[1].replace("-", ""), address=HOME)
    assert unused_recovery_codes(kari) == 8
    stored = db.session.execute(db.select(RecoveryCode.code_hash)).scalars().all()
    assert not any(code.replace("-", "") in digest for code in recovery for digest in stored)


def test_wrong_codes_are_throttled(request_context, kari, clock):
    secret, _recovery = enrol(kari, clock)
    for _ in range(3):
        refused(kari, wrong_code(secret, clock))
    with pytest.raises(Throttled) as caught:
        check_second_factor(kari, code_at(secret, clock), address=HOME)
    assert caught.value.retry_after == 1


def test_turning_codes_off_needs_the_password_and_a_code(request_context, kari, clock):
    secret, _recovery = enrol(kari, clock)
    with pytest.raises(ValidationFailed) as caught:
        turn_off_codes(kari, "ikke-passordet-mitt", code_at(secret, clock), address=HOME)
    assert caught.value.errors[0][0] == "password"
    with pytest.raises(ValidationFailed) as caught:
        turn_off_codes(kari, DEFAULT_PASSWORD, "nope", address=HOME)
    assert caught.value.errors[0][0] == "code"
    turn_off_codes(kari, DEFAULT_PASSWORD, code_at(secret, clock), address=HOME)
    assert not has_totp(kari) and unused_recovery_codes(kari) == 0


def test_an_administrator_who_must_use_codes_cannot_turn_them_off(request_context, app,
                                                                  kari, clock, monkeypatch):
    monkeypatch.setitem(app.config, "ADMIN_TOTP_REQUIRED", True)
    kari.is_admin = True
    secret, _recovery = enrol(kari, clock)
    with pytest.raises(ValidationFailed) as caught:
        turn_off_codes(kari, DEFAULT_PASSWORD, code_at(secret, clock), address=HOME)
    assert "cannot be turned off" in caught.value.errors[0][1]
    assert has_totp(kari)


def test_a_dedicated_key_encrypts_when_set(request_context, app, kari, clock, monkeypatch):
    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "TOTP_KEY", key)
    secret, _recovery = enrol(kari, clock)
    stored = db.session.get(TotpEnrolment, kari.id).secret_ciphertext
    assert Fernet(key).decrypt(stored).decode() == secret
