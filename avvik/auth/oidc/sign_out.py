"""Signing out at the provider too (RP-initiated logout), after a single sign-on.

What it takes is kept in the browser's session at sign-in: the ID token (the provider's
``id_token_hint``) and the provider's ``end_session_endpoint``, read from the discovery
document then, so that signing out needs no call to the provider. The ID token holds the
person's own claims; it stays in their own browser, in the signed, HttpOnly session
cookie, for as long as the session, and never goes to a log.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import current_app, request, session

ID_TOKEN_KEY = "oidc_id_token"
END_SESSION_KEY = "oidc_end_session"


def remember_sign_in(id_token: str, end_session_endpoint: str | None) -> None:
    """Keep what signing out at the provider needs. Call after the session is renewed."""
    if end_session_endpoint:
        session[ID_TOKEN_KEY] = id_token
        session[END_SESSION_KEY] = end_session_endpoint


def sign_out_url(post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to end its session at the provider as well, or None when
    it did not sign in through the provider. Read it before the session is cleared."""
    endpoint, id_token = session.get(END_SESSION_KEY), session.get(ID_TOKEN_KEY)
    if not endpoint or not id_token:
        return None
    query = urlencode({"id_token_hint": id_token,
                       "client_id": current_app.config["OIDC_CLIENT_ID"],
                       "post_logout_redirect_uri": post_logout_redirect_uri})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def sign_out_origin() -> str | None:
    """The provider's sign-out origin when this browser will be sent there: the redirect
    that answers the sign-out form must be allowed by the pages' ``form-action`` policy."""
    if not current_app.config.get("OIDC_ISSUER") or request.endpoint == "static":
        return None  # (static files: no session, so that caches may keep them)
    endpoint = session.get(END_SESSION_KEY)
    if not endpoint:
        return None
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"
