"""Bokmål by default; "no" and "nn" get bokmål; English on request or by choice."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.conftest import post_form


@pytest.fixture
def bokmal_default(app: Flask) -> Iterator[None]:
    # The production default (the test suite otherwise reads English).
    original = app.config["BABEL_DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_LOCALE"] = "nb"
    yield
    app.config["BABEL_DEFAULT_LOCALE"] = original


@pytest.mark.parametrize(("accept", "lang", "sign_in"), [
    (None, "nb", "Logg inn"),
    ("nn", "nb", "Logg inn"),
    ("no", "nb", "Logg inn"),
    ("nb-NO,nb;q=0.9", "nb", "Logg inn"),
    ("en-GB,en;q=0.8", "en", "Sign in"),
    ("de", "nb", "Logg inn"),
])
def test_the_browser_language_picks_bokmal_or_english(client, bokmal_default, accept, lang,
                                                        sign_in):
    headers = {"Accept-Language": accept} if accept else {}
    html = client.get("/auth/login", headers=headers).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert sign_in in html


def test_the_language_switch_overrides_the_browser(client, bokmal_default):
    response = post_form(client, "/language", {"locale": "en", "next": "/auth/login"},
                         token_from="/auth/login", follow_redirects=True)
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_an_open_redirect_through_the_language_switch_is_refused(client, bokmal_default):
    response = post_form(client, "/language", {"locale": "en", "next": "https://evil.test/"},
                         token_from="/auth/login")
    assert response.headers["Location"] == "/"
