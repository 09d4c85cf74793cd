"""Bokmål by default; "no" and "nn" get bokmål; English on request or by choice."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from avvik.extensions import db
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from tests.conftest import login, new_browser, post_form
from tests.factories import DEFAULT_PASSWORD


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


def test_the_switch_on_a_page_a_form_post_rendered_goes_back_to_a_page_not_a_405(
        app, world, bokmal_default):
    # A refused comment renders the case at the step's URL, which answers POST only.
    report = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, report)
    route_report(report)
    world.ward_handler.locale = None
    db.session.flush()
    browser = new_browser(app)
    assert login(browser, world.ward_handler.username, DEFAULT_PASSWORD).status_code == 302
    case = f"/reports/{report.id}"
    refused = post_form(browser, f"{case}/comment", {"comment-text": ""}, token_from=case)
    assert refused.status_code == 422
    back_to = re.search(r'name="next" value="([^"]*)"', refused.get_data(as_text=True))
    assert back_to is not None and back_to.group(1).startswith(f"{case}/comment")

    switched = post_form(browser, "/language", {"locale": "en", "next": back_to.group(1)},
                         token_from=case)
    assert switched.headers["Location"] == case
    page = browser.get(case)
    assert page.status_code == 200 and '<html lang="en">' in page.get_data(as_text=True)


@pytest.mark.parametrize(("next_page", "landing"), [
    ("/reports/?view=inbox&page=2", "/reports/?view=inbox&page=2"),  # a page: kept whole
    ("/reports/7/acknowledge?x=1", "/reports/7"),  # a step (POST only): its case
    ("/language", "/"),  # the switch itself
    ("/no/such/page", "/"),
])
def test_the_switch_lands_on_a_page_a_browser_can_load(client, next_page, landing):
    response = post_form(client, "/language", {"locale": "en", "next": next_page},
                         token_from="/auth/login")
    assert response.status_code == 302 and response.headers["Location"] == landing


@pytest.mark.parametrize(("accept", "shown"), [("en-US", "22/12/2026, 11:38"),
                                                ("nb", "22.12.2026, 11:38")])
def test_dates_are_written_day_first_in_english_too(app, accept, shown):
    """babel's "en" would write 12/22/26, 11:38 AM: read here as a month that does not
    exist, or as the wrong day. English pages write the day first, as bokmål does."""
    from datetime import UTC, datetime

    from avvik.core.templating import oslo_datetime

    with app.test_request_context("/", headers={"Accept-Language": accept}):
        assert oslo_datetime(datetime(2026, 12, 22, 10, 38, tzinfo=UTC)) == shown
