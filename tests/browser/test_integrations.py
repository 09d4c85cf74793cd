"""An administrator sets up an organisation's quality system in the real browser: a
service token and a webhook, each shown once; the token then reads the feed. axe-core
finds no serious or critical violation."""

from __future__ import annotations

import os

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def test_an_administrator_issues_a_token_and_registers_a_webhook(new_page, live_server,
                                                                 check_accessibility):
    page = new_page("admin")
    page.goto("/organizations/")
    page.locator("table tbody a[href^='/organizations/']").first.click()
    page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Integrations of")
    index = page.url
    check_accessibility(page)

    page.get_by_label("Name of the token").fill("Kvalitetssystem")
    page.get_by_label("The token may").select_option("read_file")
    page.get_by_role("button", name="Issue token").click()
    token = page.get_by_label("Token", exact=True).input_value()
    assert len(token) > 30
    expect(page.locator("table").first).to_contain_text("read and file")

    page.get_by_label("Address of the receiver").fill("http://127.0.0.1:9/avvik")
    page.get_by_role("button", name="Add webhook").click()
    assert page.get_by_label("Secret").input_value().startswith("whsec_")
    check_accessibility(page)
    if os.environ.get("AVVIK_SCREENSHOTS"):
        page.screenshot(path=os.environ["AVVIK_SCREENSHOTS"], full_page=True)
    page.goto(index)  # shown once: a new look at the page has neither
    expect(page.get_by_label("Secret")).to_have_count(0)
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)

    # The token reads the organisation's feed over HTTP, as the quality system would.
    feed = requests.get(f"{live_server.url}/api/v1/reports",
                        params={"updated_since": "2000-01-01T00:00:00+00:00"},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert feed.status_code == 200, feed.text
    assert feed.json()["next_cursor"] and feed.json()["items"]
