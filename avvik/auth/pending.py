"""A sign-in between the password and the one-time code, and its end in a login session.

The pending sign-in lives in the signed session cookie for a few minutes: the user's id,
when the password was right, and where to go afterwards. Only the code page reads it.
"""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.auth.known_browsers import remember_browser
from avvik.auth.login import start_browser_session
from avvik.auth.services import complete_sign_in, sign_out
from avvik.auth.totp import admin_must_enrol
from avvik.core.timeutil import utcnow
from avvik.core.urls import safe_next_url
from avvik.extensions import db
from avvik.users.models import User

KEY = "pending_sign_in"
#: Time to fetch the phone and type the code; after it, the password again.
PENDING_FOR = timedelta(minutes=5)


def remember_pending_sign_in(user: User, next_url: str | None) -> None:
    locale = session.get("locale")
    session.clear()  # nothing from before the password survives (session fixation)
    if locale:
        session["locale"] = locale
    session[KEY] = {"user_id": user.id, "at": utcnow().timestamp(), "next": next_url or ""}


def pending_user() -> User | None:
    """The user whose password was right a moment ago, or None (none, or too long ago)."""
    pending = session.get(KEY)
    if not isinstance(pending, dict):
        return None
    if utcnow().timestamp() - float(pending.get("at", 0)) > PENDING_FOR.total_seconds():
        session.pop(KEY, None)
        return None
    user = db.session.get(User, pending.get("user_id"))
    return user if user is not None and user.is_active else None


def pending_next_url() -> str:
    pending = session.get(KEY)
    return pending.get("next", "") if isinstance(pending, dict) else ""


def finish_sign_in(user: User, next_url: str | None, *, method: str) -> Response:
    """Open the login session, bind this browser to it, and go on: to ``next_url``, or
    for an administrator who must use codes and has none, to setting them up.
    ``method`` is how the user proved who they are, for the audit trail."""
    # Read before complete_sign_in: it sets the new token on the very same User object.
    previous = current_user._get_current_object() if current_user.is_authenticated else None
    previous_token = previous.session_token if previous is not None else None
    complete_sign_in(user, method=method)
    sign_out(previous, previous_token)  # signing in again over an open session
    start_browser_session(user)  # also forgets the pending sign-in
    if admin_must_enrol(user):
        flash(_("Administrators must sign in with one-time codes. Set them up to go on."),
              "info")
        return remember_browser(redirect(url_for("auth.two_factor")), user.username)
    return remember_browser(redirect(safe_next_url(next_url)), user.username)
