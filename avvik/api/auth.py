"""Bearer-token authentication: the only credential the API accepts.

The API ignores the session cookie on purpose: a request that a browser adds cookies to
on its own (cross-site) then carries no authority, so the API needs no CSRF token.

One-time codes (TOTP) do not apply here. A token is made on the API tokens page, by a
person who has signed in with every factor their account has; it is itself a random
secret of 256 bits that no one can guess, and a program has no phone to read a code
from. What guards a token is its expiry, its revocation when the password changes, and
this: a client address that keeps sending tokens that are not valid is refused for a
while (429 with Retry-After, ``API_AUTH_FAILURE_LIMIT``).
"""

from __future__ import annotations

from typing import cast

from flask import g, request
from flask_babel import gettext as _
from flask_smorest import abort
from werkzeug.wrappers import Response

from avvik.api.services import TokenExpired, token_user
from avvik.auth.throttle import api_token_wait, client_key, record_api_token_failure
from avvik.core.limits import client_address
from avvik.core.problems import too_many_requests
from avvik.extensions import db, login_manager
from avvik.integrations.accounts import READ, may_use
from avvik.users.models import User

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="avvik"'}


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def authenticate_request() -> Response | None:
    """``before_request`` of the API: find the token's user, or answer 401 (429 to an
    address that has sent too many tokens that are not valid)."""
    # Set before anything can ask for current_user, so Flask-Login never loads the user
    # of the session cookie in an API request (and g from an earlier request is gone).
    g._login_user = login_manager.anonymous_user()
    g.api_user = g.api_user_locale = None
    token = bearer_token()
    # Only a token sent counts: a request without one guesses nothing.
    address = client_key(client_address())
    wait = api_token_wait(address) if token else 0
    if wait:
        return too_many_requests(wait, _(
            "Too many requests with an API token that is not valid from this address. "
            "Try again after the seconds given in Retry-After."))
    try:
        found = token_user(token) if token else None
    except TokenExpired:
        record_api_token_failure(address)
        abort(401, message=_("This API token has expired. Its owner can make a new one "
                             "on the API tokens page."),
              headers={"WWW-Authenticate": 'Bearer realm="avvik", error="invalid_token"'})
    if found is None:
        if token:
            record_api_token_failure(address)
        abort(401, message=_("A valid API token is required: "
                             "send it as “Authorization: Bearer <token>”."), headers=CHALLENGE)
    user, written, scope = found
    if written:  # at most once a minute per token; a GET never commits otherwise
        commit_keeping_loaded()
    if not may_use(scope, request.method, request.endpoint or ""):
        abort(403, message=_("This service token may only read (scope “%(scope)s”).",
                             scope=scope) if scope == READ else
              _("This service token may read cases and file reports, nothing else."))
    g.api_user = g._login_user = user
    g.api_user_locale = user.locale  # its saved language, for avvik.core.i18n.api_locale
    return None


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
