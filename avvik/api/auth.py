"""Bearer-token authentication: the only credential the API accepts.

The API ignores the session cookie on purpose: a request that a browser adds cookies to
on its own (cross-site) then carries no authority, so the API needs no CSRF token.
"""

from __future__ import annotations

from typing import cast

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import abort

from avvik.api.services import authenticate_token
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
    g.api_user = None
    token = bearer_token()
    user = authenticate_token(token) if token else None
    if user is None:
        abort(401, message=_("A valid API token is required: "
                             "send it as “Authorization: Bearer <token>”."), headers=CHALLENGE)
    db.session.commit()  # keeps the token's last_used_at
    g.api_user = g._login_user = user


def api_user() -> User:
    """The user the request's token belongs to (after ``authenticate_request``)."""
    return cast(User, g.api_user)
