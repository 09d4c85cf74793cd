"""Every response tells the browser what it may load and that nothing may frame it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from avvik.app import create_app
from avvik.core.security_headers import CONTENT_SECURITY_POLICY
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def _assert_secured(response) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize("path", ["/auth/login", "/reports/", "/no/such/page",
                                  "/api/v1/reports", "/api/openapi.json",
                                  "/static/css/app.css", "/favicon.ico"])
def test_pages_errors_api_and_files_all_carry_the_headers(client, path):
    with client.get(path) as response:
        _assert_secured(response)


def test_signed_in_case_list_carries_the_headers(client, world):
    assert login(client, world.reporter.username, DEFAULT_PASSWORD).status_code == 302
    response = client.get("/reports/")
    assert response.status_code == 200
    _assert_secured(response)


def test_the_policy_refuses_inline_scripts_and_every_frame():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_templates_hold_no_inline_script(app):
    """An inline script would be refused by the policy: only JSON data may be inline."""
    folder = Path(app.template_folder)
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")
    offenders = [str(path.relative_to(folder)) for path in folder.rglob("*.html")
                 if inline.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_strict_transport_security_only_under_an_https_base_url():
    from config import TestingConfig

    plain = create_app(TestingConfig())
    assert "Strict-Transport-Security" not in plain.test_client().get("/auth/login").headers
    config = TestingConfig()
    config.BASE_URL = "https://avvik.example.no"
    secure = create_app(config)
    hsts = secure.test_client().get("/auth/login").headers["Strict-Transport-Security"]
    assert hsts.startswith("max-age=31536000")
