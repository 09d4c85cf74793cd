"""Rate limits (Flask-Limiter) and the client address they count by.

Flask-Limiter keeps its storage on the ``Limiter`` object, so each app gets its own
(``app.extensions["avvik.limiter"]``) rather than sharing one module-level object: two
apps in one process (the tests build one per database) then never share counters. Its
settings are the ``RATELIMIT_*`` ones in config.py: the broker's Redis, moving windows.

The client address is ``request.remote_addr``: the connection's, unless the app is
told how many reverse proxies stand in front of it (``AVVIK_PROXY_COUNT``), in which case
werkzeug's ProxyFix takes it from that many entries of ``X-Forwarded-For`` counted from
the right, the ones those proxies wrote. A header a client sends itself is never believed
beyond that, so nobody can pick the address their failures are counted under.
"""

from __future__ import annotations

from typing import cast

from flask import Flask, current_app, request
from flask_limiter import Limiter
from limits.strategies import RateLimiter
from werkzeug.middleware.proxy_fix import ProxyFix

EXTENSION = "avvik.limiter"


def client_address() -> str:
    """The address of the client of this request (see the module's docstring)."""
    return request.remote_addr or ""


def init_rate_limits(app: Flask) -> Limiter:
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    limiter = Limiter(client_address, app=app)
    app.extensions[EXTENSION] = limiter
    return limiter


def rate_limiter() -> RateLimiter:
    """The app's moving-window limiter, on the app's storage."""
    return cast(Limiter, current_app.extensions[EXTENSION]).limiter
