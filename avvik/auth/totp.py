"""One-time codes from an authenticator app (TOTP, RFC 6238, with pyotp): enrol, check, end.

The secret is kept encrypted with Fernet. The key is AVVIK_TOTP_KEY when set (a Fernet
key); otherwise it is derived from AVVIK_SECRET_KEY with HKDF, under a label of its own so
that it is no other use's key. Changing the secret key without a TOTP key therefore makes
every enrolled user enrol again: production should set AVVIK_TOTP_KEY.

A code is accepted for the current 30-second step and one step either side (clocks of
phones drift), and only for a step later than the last code accepted, so that a code can
be used once. The claim on the step is a conditional UPDATE: of two requests with the
same code, one wins. Services flush, never commit.
"""

from __future__ import annotations

import base64
import hmac
from datetime import datetime

import pyotp
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from flask_babel import lazy_gettext as _l

from avvik.auth.models import TotpEnrolment
from avvik.core.errors import ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.users.models import User

#: Steps either side of now that are accepted: 30 s of clock drift each way.
DRIFT_STEPS = 1

WRONG_CODE = _l("The code is wrong or has been used. Wait for the next code in the app "
                "and type it.")


def cipher() -> Fernet:
    """The Fernet of TOTP secrets (see the module's docstring for where its key comes from)."""
    configured = current_app.config.get("TOTP_KEY")
    if configured:
        return Fernet(configured)
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"avvik totp secrets").derive(current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def enrolment_of(user: User) -> TotpEnrolment | None:
    return db.session.get(TotpEnrolment, user.id)


def has_totp(user: User) -> bool:
    """True when the user has confirmed an authenticator app: sign-in asks for a code."""
    enrolment = enrolment_of(user)
    return enrolment is not None and enrolment.confirmed_at is not None


def secret_of(enrolment: TotpEnrolment) -> str:
    return cipher().decrypt(enrolment.secret_ciphertext).decode()


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.username, issuer_name=current_app.config["TOTP_ISSUER"])


def start_enrolment(user: User, *, now: datetime | None = None) -> TotpEnrolment:
    """A new secret for the user to put in their app, not yet used at sign-in."""
    enrolment = enrolment_of(user)
    if enrolment is not None and enrolment.confirmed_at is not None:
        raise ValidationFailed([("form", str(_l("One-time codes are already turned on.")))])
    token = cipher().encrypt(pyotp.random_base32().encode())
    if enrolment is None:
        enrolment = TotpEnrolment(user_id=user.id, secret_ciphertext=token,
                                  created_at=now or utcnow())
        db.session.add(enrolment)
    else:
        enrolment.secret_ciphertext, enrolment.created_at = token, now or utcnow()
    db.session.flush()
    return enrolment


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code ``code`` is, within the drift allowed; None if none."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def claim_code(enrolment: TotpEnrolment, code: str, now: datetime) -> bool:
    """Accept ``code`` once: True when it is right and no later code was used before."""
    step = matching_step(secret_of(enrolment), code, now)
    if step is None:
        return False
    claimed = db.session.execute(
        db.update(TotpEnrolment)
        .where(TotpEnrolment.user_id == enrolment.user_id)
        .where((TotpEnrolment.last_used_step.is_(None))
               | (TotpEnrolment.last_used_step < step))
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(enrolment)
    return claimed == 1


def confirm_enrolment(user: User, code: str, *, now: datetime | None = None) -> None:
    """Turn the codes on once the user has typed one from their app."""
    now = now or utcnow()
    enrolment = enrolment_of(user)
    if enrolment is None or enrolment.confirmed_at is not None:
        raise ValidationFailed([("form", str(_l("Start again: set up the app first.")))])
    if not claim_code(enrolment, code, now):
        raise ValidationFailed([("code", str(WRONG_CODE))])
    enrolment.confirmed_at = now
    db.session.flush()


def remove_enrolment(user: User) -> None:
    """Forget the user's secret: sign-in asks for the password only."""
    db.session.execute(db.delete(TotpEnrolment).filter_by(user_id=user.id))
    db.session.flush()


def codes_required(user: User) -> bool:
    """Must this user sign in with codes? Administrators where the settings say so
    (``ADMIN_TOTP_REQUIRED``: production without single sign-on)."""
    return bool(current_app.config.get("ADMIN_TOTP_REQUIRED") and user.is_admin)


def admin_must_enrol(user: User) -> bool:
    """A user who must have codes and has none yet: they may only set them up."""
    return codes_required(user) and not has_totp(user)
