"""Flask-Login wiring: sessions live on the server, login is required by default."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from flask import Flask, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from avvik.core.timeutil import as_utc, utcnow
from avvik.core.transactions import commit_despite_the_request
from avvik.extensions import db, login_manager

if TYPE_CHECKING:
    from avvik.users.models import User

#: Endpoints anyone may reach without signing in. Everything else requires a login.
PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.code", "auth.oidc.login",
                              "auth.oidc.callback", "static", "home.set_language",
                              "home.favicon",
                              "health.check", "health.live", "health.ready",
                              # /metrics checks the scraper's address or token itself.
                              "health.metrics"})

#: All an administrator who must use one-time codes and has none may do: set them up.
ENROLMENT_ENDPOINTS = frozenset({"auth.two_factor", "auth.start_codes", "auth.confirm_codes",
                                 "auth.logout", "auth.language"})

#: Endpoints that never use the sign-in session: the public API, the token API (avvik/api
#: checks the bearer token itself and answers 401 JSON) and the API's documentation.
SESSIONLESS_PREFIXES = ("api_public.", "api.", "api-docs.")

#: How often the last-seen time of a login session is written (not on every request).
LAST_SEEN_RESOLUTION = timedelta(minutes=5)


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_by_session_token)
    app.before_request(require_login)
    app.before_request(require_codes_where_required)


def load_user_by_session_token(token: str) -> User | None:
    """Return the user of an open login session, or None (ended, idle, inactive user)."""
    from flask import current_app

    from avvik.auth.models import LoginSession

    login_session = db.session.execute(
        db.select(LoginSession).filter_by(token=token, ended_at=None)
    ).scalar_one_or_none()
    if login_session is None or not login_session.user.is_active:
        return None
    now = utcnow()
    idle_limit = timedelta(seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])
    if now - as_utc(login_session.last_seen_at) > idle_limit:
        login_session.ended_at = now
        # Before the view runs, and standing whatever it does: the session is over.
        commit_despite_the_request()
        return None
    if now - as_utc(login_session.last_seen_at) > LAST_SEEN_RESOLUTION:
        login_session.last_seen_at = now
        # Before the view runs, so nothing of the request is in it; a view that is refused
        # or rolled back must not take the user's last sign of life with it.
        commit_despite_the_request()
    user = login_session.user
    user.session_token = token
    return user


def require_login() -> Response | None:
    """Fail closed: every endpoint not on the allow-list needs a signed-in user."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.endpoint.startswith(SESSIONLESS_PREFIXES):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def require_codes_where_required() -> Response | None:
    """An administrator who must sign in with one-time codes (production without single
    sign-on) and has none is sent to set them up, and may do nothing else until then."""
    from avvik.auth.totp import admin_must_enrol

    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS or endpoint in ENROLMENT_ENDPOINTS \
            or endpoint.startswith(SESSIONLESS_PREFIXES) or endpoint.startswith("health."):
        return None
    if current_user.is_authenticated and admin_must_enrol(current_user):
        return redirect(url_for("auth.two_factor"))
    return None


def start_browser_session(user: User) -> None:
    """Bind the browser to the user's new login session (``user.session_token``).

    The Flask session is emptied first, so nothing planted in it before sign-in (session
    fixation) survives, and the CSRF token is renewed. Only the language choice is kept.
    """
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    login_user(user)


def end_browser_session() -> None:
    """Forget the signed-in user in this browser; the server side is ``sign_out``'s job."""
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
