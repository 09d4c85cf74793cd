"""Single sign-on: the browser goes to the provider and comes back signed in.

    GET /auth/oidc/login?next=     login: off to the provider (after a pushed request)
    GET /auth/oidc/callback        callback: back with a code; verified, matched, signed in

Both are public (avvik/auth/login.py). A person the provider vouches for but who is no
user here, or no longer an active one, gets a page that says so, and an audit entry.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user

from avvik.auth.login import start_browser_session
from avvik.auth.oidc.client import SignInFailed, authorization_url, metadata, verified_claims
from avvik.auth.oidc.services import PersonRefused, sign_in_with_claims
from avvik.auth.oidc.sign_out import remember_sign_in
from avvik.auth.services import sign_out
from avvik.core.transactions import transactional
from avvik.core.urls import public_url, safe_next_url

log = logging.getLogger(__name__)
bp = Blueprint("oidc", __name__, url_prefix="/oidc")

#: Where to go after signing in, kept in the session while the browser is at the provider.
NEXT_KEY = "oidc_next"


@bp.before_request
def only_when_configured() -> None:
    if not current_app.config.get("OIDC_ISSUER"):
        abort(404)


@bp.get("/login")
def login() -> ResponseReturnValue:
    try:
        destination = authorization_url(public_url("auth.oidc.callback"))
    except SignInFailed as error:
        log.warning("single sign-on could not start: %s", error.reason)
        return render_template("auth/oidc_failed.html", unreachable=True), 503
    session[NEXT_KEY] = request.args.get("next", "")
    return redirect(destination)


def _refused(error: Exception) -> ResponseReturnValue:
    if isinstance(error, PersonRefused):
        return render_template("auth/oidc_refused.html", deactivated=error.deactivated), 403
    if isinstance(error, SignInFailed):
        log.warning("single sign-on failed: %s", error.reason)
        return render_template("auth/oidc_failed.html", unreachable=False), 400
    raise error


@bp.get("/callback")
# A refused person's audit entry is kept: committed with the refusal, not rolled back.
@transactional(refused=_refused, kept_when_refused=(PersonRefused,))
def callback() -> ResponseReturnValue:
    claims, id_token = verified_claims()
    previous = current_user._get_current_object() if current_user.is_authenticated else None
    previous_token = previous.session_token if previous is not None else None
    user = sign_in_with_claims(claims, claim=current_app.config["OIDC_USER_CLAIM"],
                               issuer=current_app.config["OIDC_ISSUER"])
    sign_out(previous, previous_token)  # signing in again over an open session
    next_url = session.get(NEXT_KEY)
    start_browser_session(user)
    remember_sign_in(id_token, metadata().get("end_session_endpoint"))
    return redirect(safe_next_url(next_url))
