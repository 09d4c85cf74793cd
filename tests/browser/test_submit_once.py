"""A report is filed once however quickly its button is pressed twice, in the real browser.

With the page's script the button holds after the first press, so a second press sends
nothing. Without it (a script that failed to load, JavaScript off) both presses reach the
server with the page's one-time token, and the second is answered with the first one's
case. The server holds the first post at a gate until the second press is made, so
what the test shows does not depend on how fast the machine is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import request, request_started
from playwright.sync_api import expect
from sqlalchemy import select

from avvik.extensions import db
from avvik.reports.models import Report
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_report_round_trip import CASE_NUMBER, choose, consequence
from tests.clock import Clock

pytestmark = pytest.mark.slow

REPORTER = "melder.kommune"
PHONE = {"width": 390, "height": 844}
#: A bound on every wait of the server's side, so a broken test fails instead of hanging.
WAIT_SECONDS = 30

#: Installed in the page by the test: tells the test (console) whether the submit button
#: was held when a press ended on it, and what it showed once held.
WATCH = """() => {
  const button = document.querySelector("form[data-submit-once] button[name=submit]");
  button.addEventListener("touchend", () => console.log("pressed, held: " + button.disabled));
  new MutationObserver(() => {
    if (button.disabled) { console.log("held, showing: " + button.textContent); }
  }).observe(button, {attributes: true, childList: true});
}"""


@dataclass
class Posts:
    """The report form's posts the server receives; the first waits at ``gate``."""

    paths: list[str] = field(default_factory=list)
    gate: threading.Event = field(default_factory=threading.Event)
    arrived: list[threading.Event] = field(
        default_factory=lambda: [threading.Event(), threading.Event()])

    def __call__(self, _sender: Any, **_extra: Any) -> None:
        if request.method != "POST" or request.path != "/reports/new":
            return
        self.paths.append(request.path)
        number = len(self.paths)
        if number <= len(self.arrived):
            self.arrived[number - 1].set()
        if number == 1:
            self.gate.wait(WAIT_SECONDS)


@pytest.fixture
def posts(live_server: LiveServer) -> Iterator[Posts]:
    seen = Posts()
    request_started.connect(seen, live_server.app, weak=False)
    yield seen
    seen.gate.set()
    request_started.disconnect(seen, live_server.app)


def fill_in(page: Any, description: str, today: date) -> None:
    page.goto("/reports/new")
    choose(page, "Receiving organisation", "Fjordvik sykehus HF")
    choose(page, "Agreement", "Utskrivningsklare pasienter")
    choose(page, "Transition", "Legemiddelsamstemming")
    # Without the page's script every phase's categories are offered: take the one of the
    # transition's phase, as the script would leave it.
    phase = page.get_by_label("Transition", exact=True).locator(
        "option:checked").evaluate("option => option.parentNode.dataset.group")
    category = page.get_by_label("Category", exact=True)
    category.select_option(value=category.locator(
        f'optgroup[data-group="{phase}"] option', has_text="Legemiddelliste"
    ).get_attribute("value"))
    page.get_by_label("Date of the event").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("What happened?").fill(description)
    consequence(page, "Actual consequence", "Minor")
    consequence(page, "Potential consequence", "Moderate")


def cases_described(live_server: LiveServer, description: str) -> list[str]:
    with live_server.app.app_context():
        numbers = list(db.session.scalars(select(Report.case_number)
                                          .where(Report.description == description)))
        db.session.remove()
    return numbers


def phone(browser: Any, live_server: LiveServer, *, script: bool) -> Any:
    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  timezone_id="Europe/Oslo", viewport=PHONE, has_touch=True,
                                  is_mobile=True, java_script_enabled=script)
    context.set_default_timeout(15_000)
    return context


def tap_point(page: Any) -> tuple[float, float]:
    button = page.locator("button[name=submit]")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_double_click_on_submit_files_one_case(new_page, live_server, posts: Posts,
                                                 check_accessibility, system_clock: Clock):
    posts.gate.set()  # nothing held: the click as it comes
    page = new_page(REPORTER)
    description = "Dobbeltklikk: legemiddellisten manglet ved utskrivning."
    fill_in(page, description, system_clock.today)
    check_accessibility(page)

    page.get_by_role("button", name="Submit report").dblclick()

    expect(page.get_by_role("heading", level=1)).to_contain_text(CASE_NUMBER)
    [number] = cases_described(live_server, description)
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    assert posts.paths == ["/reports/new"]
    check_accessibility(page)


def test_on_a_phone_the_button_holds_while_the_post_is_on_its_way(
        browser, live_server, posts: Posts, check_accessibility, system_clock: Clock):
    context = phone(browser, live_server, script=True)
    try:
        page = context.new_page()
        sign_in(page, REPORTER)
        description = "To trykk med skript: epikrisen manglet."
        fill_in(page, description, system_clock.today)
        check_accessibility(page)
        page.evaluate(WATCH)
        seen: list[str] = []
        page.on("console", lambda message: seen.append(message.text))
        x, y = tap_point(page)

        page.touchscreen.tap(x, y)
        assert posts.arrived[0].wait(WAIT_SECONDS)  # the first post waits at the server
        with page.expect_console_message(lambda m: m.text == "pressed, held: true"):
            page.touchscreen.tap(x, y)  # a disabled button: this press sends nothing
        posts.gate.set()

        expect(page.get_by_role("heading", level=1)).to_contain_text(CASE_NUMBER)
        [number] = cases_described(live_server, description)
        expect(page.get_by_role("status").filter(has_text="is submitted")).to_contain_text(
            number)
        assert posts.paths == ["/reports/new"]
        assert seen[:2] == ["pressed, held: false", "held, showing: Sending…"]
        check_accessibility(page)
    finally:
        context.close()


def test_without_the_script_two_taps_reach_the_server_and_file_one_case(
        browser, live_server, posts: Posts, system_clock: Clock):
    context = phone(browser, live_server, script=False)
    try:
        page = context.new_page()
        sign_in(page, REPORTER)
        description = "To trykk uten skript: epikrisen manglet."
        fill_in(page, description, system_clock.today)
        x, y = tap_point(page)

        page.touchscreen.tap(x, y)
        assert posts.arrived[0].wait(WAIT_SECONDS)  # held at the server
        page.touchscreen.tap(x, y)  # the browser drops the first, sends the page again
        assert posts.arrived[1].wait(WAIT_SECONDS)
        posts.gate.set()

        expect(page.get_by_role("heading", level=1)).to_contain_text(CASE_NUMBER)
        [number] = cases_described(live_server, description)
        expect(page.get_by_role("heading", level=1)).to_contain_text(number)
        assert posts.paths == ["/reports/new", "/reports/new"]
    finally:
        context.close()


def test_a_post_whose_answer_was_lost_sent_again_files_one_case(
        new_page, live_server, posts: Posts, system_clock: Clock):
    posts.gate.set()
    page = new_page(REPORTER)
    description = "Svaret kom aldri: epikrisen manglet."
    fill_in(page, description, system_clock.today)

    def lose_the_answer(route: Any) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        route.fetch(max_redirects=0)  # the server files the report...
        route.abort("connectionreset")  # ...and its answer never reaches the phone

    page.route("**/reports/new", lose_the_answer)
    page.get_by_role("button", name="Submit report").click()
    [number] = cases_described(live_server, description)
    page.unroute("**/reports/new")
    page.reload()  # the browser sends the same post again, token and all

    expect(page.get_by_role("heading", level=1)).to_contain_text(number)
    assert posts.paths == ["/reports/new", "/reports/new"]
    assert cases_described(live_server, description) == [number]


def test_a_post_that_fails_keeps_what_was_typed(new_page, live_server, posts: Posts,
                                                system_clock: Clock):
    posts.gate.set()
    page = new_page(REPORTER)
    description = "Sendingen feilet: epikrisen manglet."
    fill_in(page, description, system_clock.today)
    page.route("**/reports/new", lambda route: route.abort("connectionreset")
               if route.request.method == "POST" else route.continue_())
    page.get_by_role("button", name="Submit report").click()
    page.unroute("**/reports/new")

    page.goto("/reports/new")  # the form again, after the browser's error page
    expect(page.get_by_label("What happened?")).to_have_value(description)
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CASE_NUMBER)
    assert len(cases_described(live_server, description)) == 1
    assert posts.paths == ["/reports/new"]  # the failed one never reached the server
