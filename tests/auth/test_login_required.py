"""Fail closed: every endpoint needs a signed-in user unless it is on the allow-list.

The walk covers every rule in the URL map, so a route added later cannot slip through.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from werkzeug.routing import Rule
from werkzeug.routing.converters import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    UUIDConverter,
)

from avvik.auth.login import PUBLIC_ENDPOINTS, SESSIONLESS_PREFIXES

#: Changing the allow-list is a security decision: this test makes it a visible one.
#: The site's icon (home.favicon) is public like the static files it is one of.
REVIEWED_PUBLIC_ENDPOINTS = {"auth.login", "static", "home.set_language", "home.favicon",
                             # The code after the password: it serves only a browser whose
                             # password was right minutes ago (avvik/auth/pending.py).
                             "auth.code",
                             "health.check",
                             # Single sign-on: off to the provider and back, before sign-in.
                             "auth.oidc.login", "auth.oidc.callback",
                             # For load balancers: the process answers; its DB and broker do.
                             "health.live", "health.ready",
                             # Prometheus: its own allow-list of addresses, or a token.
                             "health.metrics"}
#: The token API ("api.") answers 401 itself; its documentation ("api-docs.") is public.
REVIEWED_SESSIONLESS_PREFIXES = ("api_public.", "api.", "api-docs.")

BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def is_public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.startswith(("api_public.", "api-docs."))


def sample_value(converter: object) -> object:
    if isinstance(converter, IntegerConverter):
        return 1
    if isinstance(converter, FloatConverter):
        return 1.0
    if isinstance(converter, UUIDConverter):
        return uuid.UUID(int=1)
    if isinstance(converter, AnyConverter):
        return re.match(r"\(\?:([^|)]+)", converter.regex).group(1)
    return "x"


def sample_url(app, rule: Rule, method: str) -> str:
    values = {name: sample_value(conv) for name, conv in rule._converters.items()}
    adapter = app.url_map.bind("localhost")
    url = adapter.build(rule.endpoint, values, method=method)
    # The sample must reach this very rule, not a 404 that would hide a missing check.
    assert adapter.match(url, method=method)[0] == rule.endpoint, url
    return url


def test_allow_list_is_the_reviewed_one():
    assert set(PUBLIC_ENDPOINTS) == REVIEWED_PUBLIC_ENDPOINTS
    assert SESSIONLESS_PREFIXES == REVIEWED_SESSIONLESS_PREFIXES


def test_every_non_public_endpoint_sends_anonymous_visitors_to_login(app, client):
    checked = []
    for rule in app.url_map.iter_rules():
        if is_public(rule.endpoint):
            continue
        methods = rule.methods - {"HEAD", "OPTIONS"}
        method = "GET" if "GET" in methods else next(m for m in BODY_METHODS if m in methods)
        url = sample_url(app, rule, method)
        response = client.open(url, method=method)
        where = f"{method} {url} ({rule.endpoint})"
        if rule.endpoint.startswith("api."):  # bearer tokens only: 401, never a redirect
            assert response.status_code == 401, where
        elif method == "GET":
            assert response.status_code == 302, where
            assert urlsplit(response.headers["Location"]).path == "/auth/login", where
        else:
            assert response.status_code in (302, 401), where
            if response.status_code == 302:
                assert urlsplit(response.headers["Location"]).path == "/auth/login", where
        checked.append(rule.endpoint)
    # The walk really walked: the app's own pages were among those checked.
    assert {"home.index", "auth.profile", "auth.logout", "auth.password"} <= set(checked)


def test_login_page_is_open_to_anonymous_visitors(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert 'name="password"' in response.get_data(as_text=True)
