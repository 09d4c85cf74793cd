"""Bearer-token authentication: the only credential the API accepts.

The API ignores the session cookie on purpose: a request that a browser adds cookies to
on its own (cross-site) then carries no authority, so the API needs no CSRF token.
"""

from __future__ import annotations

from typing import cast

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import abort

from avvik.api.services import TokenExpired, token_user
from avvik.extensions import db, login_manager
from avvik.users.models import User

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="avvik"'}


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def authenticate_request() -> None:
    """``before_request`` of the API: find the token's user, or answer 401."""
    # Set before anything can ask for current_user, so Flask-Login never loads the user
    # of the session cookie in an API request (and g from an earlier request is gone).
    g._login_user = login_manager.anonymous_user()
    g.api_user = g.api_user_locale = None
    token = bearer_token()
    try:
        found = token_user(token) if token else None
    except TokenExpired:
        abort(401, message=_("This API token has expired. Its owner can make a new one "
                             "on the API tokens page."),
              headers={"WWW-Authenticate": 'Bearer realm="avvik", error="invalid_token"'})
    if found is None:
        abort(401, message=_("A valid API token is required: "
                             "send it as “Authorization: Bearer <token>”."), headers=CHALLENGE)
    user, written = found
    if written:  # at most once a minute per token; a GET never commits otherwise
        commit_keeping_loaded()
    g.api_user = g._login_user = user
    g.api_user_locale = user.locale  # its saved language, for avvik.core.i18n.api_locale


def commit_keeping_loaded() -> None:
    """Commit without expiring what the session has loaded.

    The request goes on with the same objects (the caller, the case it just wrote): what
    they hold is what this transaction committed, so reading them again from the
    database after the commit would only cost a SELECT per row and relation.
    """
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def api_user() -> User:
    """The user the request's token belongs to (after ``authenticate_request``)."""
    return cast(User, g.api_user)
