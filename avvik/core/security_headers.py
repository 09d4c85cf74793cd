"""Security headers on every response: what a browser may load, frame and send on.

Scripts come only from our own static files (no inline script, so an injected one does
not run); styles also allow inline ``style`` attributes, which some templates and the
chart library set. Nothing may frame a page: a signed-in case page inside another site's
frame could be clicked on without the person knowing.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app
from werkzeug.wrappers import Response


def content_security_policy(form_action: str = "'self'") -> str:
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        f"form-action {form_action}",
        "frame-ancestors 'none'",
    ))


CONTENT_SECURITY_POLICY = content_security_policy()

#: A year, the value browsers' preload lists ask for.
HSTS_SECONDS = 365 * 24 * 3600


def init_security_headers(app: Flask,
                          form_redirect_origin: Callable[[], str | None] = lambda: None
                          ) -> None:
    """``form_redirect_origin()``: another origin that this browser's forms may be
    redirected to, such as the single sign-on provider's sign-out. Browsers hold the
    redirect that answers a form to the page's ``form-action`` too."""

    def add_security_headers(response: Response) -> Response:
        origin = form_redirect_origin()
        policy = (content_security_policy(f"'self' {origin}") if origin
                  else CONTENT_SECURITY_POLICY)
        return _add_security_headers(response, policy)

    app.after_request(add_security_headers)


def security_headers(policy: str = CONTENT_SECURITY_POLICY) -> dict[str, str]:
    """The headers every response carries, pages and static files alike."""
    headers = {
        "Content-Security-Policy": policy,
        "X-Frame-Options": "DENY",  # for browsers without frame-ancestors
        "X-Content-Type-Options": "nosniff",
        # Case URLs carry case ids: other sites learn only our origin, never the path.
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if current_app.config.get("BASE_URL", "").startswith("https://"):
        headers["Strict-Transport-Security"] = f"max-age={HSTS_SECONDS}; includeSubDomains"
    return headers


def _add_security_headers(response: Response, policy: str) -> Response:
    for name, value in security_headers(policy).items():
        response.headers.setdefault(name, value)
    return response
