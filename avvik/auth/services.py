"""Signing in and out, what users may change about their own account, new accounts.

Services flush and never commit. A refused sign-in raises ``ValidationFailed`` after
counting the failure in Redis (avvik/auth/throttle.py), where the view's rollback does not
undo it; one that must wait raises ``Throttled`` without looking at the password.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from avvik.audit.services import audit
from avvik.auth.access import PASSWORD_CHANGED, end_access_after_new_password
from avvik.auth.models import LoginSession
from avvik.auth.passwords import (
    dummy_password_hash,
    hash_password,
    needs_rehash,
    password_problems,
    unusable_password_hash,
    verify_password,
)
from avvik.auth.queries import user_by_username
from avvik.auth.throttle import (
    Attempt,
    Throttled,
    check_attempt,
    client_key,
    record_failure,
    record_success,
    throttle_key,
)
from avvik.core.errors import ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.users.models import User

LANGUAGES = ("nb", "en")

#: Lower-case letters, digits and . _ - @; starts with a letter or digit.
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{1,79}")

#: Audited when the current password given to change it is wrong (a guess, perhaps, from
#: a session someone else has taken over) or the throttle refuses to check it.
PASSWORD_CHANGE_REFUSED = "user.password_change_refused"

#: One message for an unknown name, a wrong password and an inactive user alike.
WRONG_CREDENTIALS = _l("The user name or the password is wrong.")
#: AVVIK_PASSWORD_SIGNIN=off: single sign-on is the only way in.
PASSWORD_SIGNIN_OFF = _l("Sign-in with a password is turned off. Use the single sign-on "
                         "button.")


def check_password(username: str, password: str, *, address: str | None,
                   known_browser: bool = False) -> User:
    """The user whose name and password these are, or ``ValidationFailed``.

    Refused outright while password sign-in is off (AVVIK_PASSWORD_SIGNIN). Answers the
    same for an unknown name, a wrong password and an inactive user, and takes
    about as long (an unknown name is checked against a dummy hash). An attempt that must
    wait (avvik/auth/throttle.py) is refused with ``Throttled`` before the password is
    looked at; a failure is counted under the name as typed and the client ``address``.
    A browser that has signed in to the account before (``known_browser``) is spared the
    account-wide cap. A hash with outdated parameters is renewed.
    """
    if not current_app.config["PASSWORD_SIGNIN"]:
        raise ValidationFailed([("form", str(PASSWORD_SIGNIN_OFF))])
    attempt = Attempt(throttle_key(username), client_key(address),
                      known_browser=known_browser)
    try:
        check_attempt(attempt)
    except Throttled:
        audit_refused_sign_in(user_by_username(username), "throttled")
        raise
    user = user_by_username(username)
    if user is not None and user.service_organization_id is not None:
        user = None  # an organisation's service account: its tokens only, never a sign-in
    password_ok = verify_password(user.password_hash if user else dummy_password_hash(),
                                  password)
    if user is None or not password_ok or not user.is_active:
        record_failure(attempt)
        inactive = user is not None and not user.is_active
        audit_refused_sign_in(user, "inactive_user" if inactive else "wrong_password")
        raise ValidationFailed([("form", str(WRONG_CREDENTIALS))])
    record_success(attempt)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def complete_sign_in(user: User, *, method: str = "password",
                     now: datetime | None = None) -> LoginSession:
    """Open the login session of a user who has passed every check (``method``: how, for
    the audit trail)."""
    now = now or utcnow()
    user.last_login_at = now
    return open_login_session(user, method=method, now=now)


def sign_in(username: str, password: str, *, address: str | None = None,
            now: datetime | None = None) -> User:
    """Check the password and open a login session (``user.session_token``): for a user
    without one-time codes, or where codes do not apply."""
    user = check_password(username, password, address=address)
    complete_sign_in(user, now=now)
    return user


def audit_refused_sign_in(user: User | None, why: str, *,
                          now: datetime | None = None) -> None:
    """Audit a refused sign-in, never with the password typed. The user name typed is
    kept only as the user it names: a name nobody has may be a password typed in the
    wrong field, so it is recorded as unknown."""
    if user is None:
        audit("auth.sign_in_failed", "user", None, detail={"why": "unknown_user"}, now=now)
    else:
        audit("auth.sign_in_failed", "user", user.id,
              detail={"why": why, "username": user.username}, now=now)


def open_login_session(user: User, *, method: str,
                       now: datetime | None = None) -> LoginSession:
    """A new server-side session; its random token is all the browser's cookie holds.

    Every sign-in passes here, so here it is audited, with how the user proved who they
    are (``method``: "password", or another way of signing in).
    """
    now = now or utcnow()
    login_session = LoginSession(token=secrets.token_urlsafe(32), user=user,
                                 created_at=now, last_seen_at=now)
    db.session.add(login_session)
    db.session.flush()
    user.session_token = login_session.token
    audit("auth.signed_in", "user", user.id, actor=user, detail={"method": method}, now=now)
    return login_session


def sign_out(user: User | None, token: str | None, *, now: datetime | None = None) -> None:
    """End ``user``'s login session on the server: its cookie, copied or not, is
    worthless now. Audited when a session was open."""
    if not token:
        return
    now = now or utcnow()
    result = db.session.execute(
        db.update(LoginSession).filter_by(token=token, ended_at=None).values(ended_at=now)
    )
    if user is not None and getattr(result, "rowcount", 0):
        audit("auth.signed_out", "user", user.id, actor=user, now=now)


def change_password(user: User, current_password: str, new_password: str, *,
                    current_token: str | None, address: str | None = None,
                    now: datetime | None = None) -> None:
    """Replace the user's password, sign out their other browsers and revoke their API
    tokens (avvik/auth/access.py).

    The current password is required and is throttled like a sign-in: a stolen session
    must not become a way to guess it.
    """
    now = now or utcnow()
    attempt = Attempt(throttle_key(user.username), client_key(address))
    try:
        check_attempt(attempt)
    except Throttled:
        audit(PASSWORD_CHANGE_REFUSED, "user", user.id, actor=user, detail={"why": "throttled"},
              now=now)
        raise
    if not verify_password(user.password_hash, current_password):
        record_failure(attempt)
        audit(PASSWORD_CHANGE_REFUSED, "user", user.id, actor=user,
              detail={"why": "wrong_password"}, now=now)
        raise ValidationFailed([("current_password", str(_l("The current password is wrong.")))])
    record_success(attempt)
    problems = password_problems(new_password, username=user.username)
    if new_password == current_password:
        problems.append(str(_l("The new password must differ from the current one.")))
    if problems:
        raise ValidationFailed([("new_password", problem) for problem in problems])
    user.password_hash = hash_password(new_password)
    end_access_after_new_password(user, actor=user, action=PASSWORD_CHANGED,
                                  keep_token=current_token, now=now)
    db.session.flush()


def set_language(user: User, locale: str) -> None:
    """Save the user's interface language (``nb`` or ``en``)."""
    if locale not in LANGUAGES:
        raise ValidationFailed([("locale", str(_l("Choose one of the languages offered.")))])
    user.locale = locale
    db.session.flush()


def create_user(username: str, full_name: str, email: str, password: str, *,
                is_admin: bool = False, external_id: str | None = None) -> User:
    """Create an active user with a password that meets the policy (none while password
    sign-in is off), and their identifier at the single sign-on provider, if given.

    The user name is stored lower-case and must not exist already in any spelling.
    """
    username = username.strip().lower()
    full_name = full_name.strip()
    errors: list[tuple[str, str]] = []
    if not USERNAME_PATTERN.fullmatch(username):
        errors.append(("username", str(_l(
            "Use 2 to 80 letters a-z, digits and . _ - @, starting with a letter or digit."))))
    elif db.session.execute(
        db.select(User.id).where(func.lower(User.username) == username)
    ).first() is not None:
        errors.append(("username", str(_l("This user name is taken."))))
    if not full_name or len(full_name) > 200:
        errors.append(("full_name", str(_l("Give a name of at most 200 characters."))))
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        errors.append(("email", str(_l("This is not a valid e-mail address."))))
    if password or current_app.config["PASSWORD_SIGNIN"]:
        errors += [("password", problem) for problem in password_problems(password,
                                                                          username=username)]
    external_id = (external_id or "").strip() or None
    if external_id and db.session.execute(
        db.select(User.id).where(User.external_id == external_id)
    ).first() is not None:
        errors.append(("external_id", str(_l("Another user has this identifier."))))
    if errors:
        raise ValidationFailed(errors)
    user = User(username=username, full_name=full_name, email=email, external_id=external_id,
                password_hash=hash_password(password) if password else unusable_password_hash(),
                is_admin=is_admin, is_active=True)
    db.session.add(user)
    db.session.flush()
    return user
