"""One-time codes in Chromium: set up an authenticator app from the profile page, then sign
in with the password and a code, as a person with a phone would."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from avvik.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.slow

#: A code of the next 30-second step: the app's clock may run that far ahead, and the step
#: of the code that confirmed the app may not be used again.
NEXT_STEP = timedelta(seconds=30)


def test_setting_up_codes_and_signing_in_with_one(new_page, check_accessibility,
                                                  system_clock):
    page = new_page("melder.kommune")
    page.goto("/auth/profile")
    page.get_by_role("link", name="Set up one-time codes").click()
    page.get_by_role("button", name="Set up one-time codes").click()
    expect(page.locator("figure svg title")).to_have_text("QR code for the authenticator app")
    check_accessibility(page)
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    page.get_by_label("Code from the app").fill("000000" if totp.at(system_clock.now)
                                                != "000000" else "111111")
    page.get_by_role("button", name="Turn on one-time codes").click()
    expect(page.get_by_text("The code is wrong or has been used").first).to_be_visible()
    page.get_by_label("Code from the app").fill(totp.at(system_clock.now))
    page.get_by_role("button", name="Turn on one-time codes").click()
    expect(page.get_by_role("heading", name="One-time codes are on")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("User name").fill("melder.kommune")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="One-time code")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_accessibility(page)
    page.get_by_label("Code").fill(totp.at(system_clock.now + NEXT_STEP))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/auth/profile")
    expect(page.get_by_role("link", name="Manage one-time codes")).to_be_visible()
