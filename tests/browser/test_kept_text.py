"""What the browser keeps of unsent text outlives neither the shift nor the sign-out.

Home-care PCs are shared: text refused for a national identity number is never kept in
localStorage, signing out deletes every kept text (in the page, so even when the server
does not answer), and kept text older than one shift is deleted when a page loads.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_submit_once import fill_in
from tests.clock import Clock

pytestmark = pytest.mark.slow

REPORTER = "melder.kommune"
#: A valid fødselsnummer (check digits right), written as people do, with a space.
NATIONAL_ID = "151086 95088"
DIGITS = "15108695088"
#: Every text this browser keeps for Avvik, by key.
KEPT = """() => Object.fromEntries(Object.keys(localStorage)
  .filter(key => key.startsWith("avvik:")).map(key => [key, localStorage.getItem(key)]))"""


def kept_values(page: Any) -> dict[str, dict[str, str]]:
    return {key: json.loads(raw)["values"] for key, raw in page.evaluate(KEPT).items()}


def digits_kept(page: Any) -> list[str]:
    return ["".join(c for c in value if c.isdigit())
            for values in kept_values(page).values() for value in values.values()]


@pytest.mark.parametrize("written", [NATIONAL_ID, "15.10.86 950\u00a088"],
                         ids=["space", "dots-and-no-break-space"])
def test_text_refused_for_an_identity_number_is_never_kept(new_page, system_clock: Clock,
                                                           written):
    page = new_page(REPORTER)
    fill_in(page, f"Pasient {written} fikk feil medisinliste.", system_clock.today)
    key = page.locator("form[data-keep-key]").get_attribute("data-keep-key")
    expect(page.get_by_text("for at most 12 hours")).to_be_visible()
    assert kept_values(page)[key]  # the rest of the form is kept, the text is not
    assert "description" not in kept_values(page)[key]

    page.get_by_role("button", name="Submit report").click()

    expect(page.get_by_role("alert").filter(has_text="Please correct the following")
           ).to_contain_text("national identity number")
    expect(page.locator("form[data-keep-refused]")).to_have_count(1)
    page.get_by_label("Immediate measures").fill("Ringte sykehuset.")
    assert kept_values(page)[key]["immediate_measures"] == "Ringte sykehuset."
    assert not any(DIGITS in digits for digits in digits_kept(page))
    assert "description" not in kept_values(page)[key]


def test_signing_out_deletes_kept_text_without_the_server(new_page):
    page = new_page(REPORTER)
    page.goto("/reports/new")
    page.get_by_label("What happened?").fill("Epikrisen manglet ved utskrivning.")
    assert kept_values(page)

    # The server never hears of the first press: the page deletes the kept text itself.
    page.route("**/auth/logout", lambda route: route.abort())
    with page.expect_event("requestfailed"):
        page.get_by_role("button", name="Sign out").click()
    page.unroute("**/auth/logout")
    page.goto("/")  # still signed in: back from the browser's error page to the app's origin
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate(KEPT) == {}

    page.goto("/reports/new")
    page.get_by_label("What happened?").fill("Epikrisen manglet igjen.")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status").filter(has_text="You are signed out")).to_be_visible()
    assert page.evaluate(KEPT) == {}


def test_kept_text_older_than_a_shift_is_deleted_when_a_page_loads(new_page,
                                                                    system_clock: Clock):
    page = new_page(REPORTER)
    page.goto("/reports/new")
    key = page.locator("form[data-keep-key]").get_attribute("data-keep-key")
    stale, fresh = system_clock.now - timedelta(hours=13), system_clock.now - timedelta(hours=1)
    page.evaluate("""([key, stale, fresh]) => {
      localStorage.setItem(key, JSON.stringify({at: stale, values: {description: "Gammel"}}));
      localStorage.setItem("avvik:other", JSON.stringify({at: fresh, values: {text: "Ny"}}));
    }""", [key, stale.timestamp() * 1000, fresh.timestamp() * 1000])

    page.reload()

    expect(page.get_by_label("What happened?")).to_have_value("")
    assert list(page.evaluate(KEPT)) == ["avvik:other"]
