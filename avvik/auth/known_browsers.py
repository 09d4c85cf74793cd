"""Browsers that have signed in to an account before: the account-wide cap spares them.

The cap on failures per account from any address (``LOGIN_ACCOUNT_LIMIT``) is what a
guesser with many addresses meets; while they keep it full, a newcomer to the account
would wait too. A browser that has signed in to the account before carries a signed
cookie naming it (a digest of the user name, as the throttle counts it), and its attempts
are judged by the account-and-address ladder and the address cap only: the real user on
their usual browser is never held up by strangers, however many. It is OWASP's "device
cookie". A cookie names at most ``MAX_ACCOUNTS`` accounts (a shared ward computer) and
lasts ``KNOWN_FOR``; it is signed with the secret key, so it cannot be made up.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from avvik.auth.throttle import throttle_key

COOKIE = "avvik_known"
KNOWN_FOR = timedelta(days=180)
MAX_ACCOUNTS = 10


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="avvik known browser")


def _known_accounts() -> list[str]:
    try:
        accounts = _serializer().loads(request.cookies.get(COOKIE, ""),
                                       max_age=int(KNOWN_FOR.total_seconds()))
    except BadSignature:
        return []
    return [a for a in accounts if isinstance(a, str)] if isinstance(accounts, list) else []


def is_known_browser(username: str) -> bool:
    """Has this browser signed in to the account ``username`` names before?"""
    return throttle_key(username) in _known_accounts()


def remember_browser(response: Response, username: str) -> Response:
    """After a sign-in: this browser is known to the account from now on."""
    account = throttle_key(username)
    accounts = [account, *(a for a in _known_accounts() if a != account)][:MAX_ACCOUNTS]
    response.set_cookie(COOKIE, _serializer().dumps(accounts),
                        max_age=int(KNOWN_FOR.total_seconds()), httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], samesite="Lax")
    return response
