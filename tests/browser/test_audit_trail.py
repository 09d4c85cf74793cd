"""An administrator searches the audit trail in the real browser: who read which case,
a refused sign-in, a wrong filter explained, the search exported (and the export on the
trail itself). axe-core finds no serious or critical violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow


def field(page, label: str):
    """A search field by its label, which says "(optional)" after it."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(optional\))?$"))


def search(page, **fields: str) -> None:
    for label, value in fields.items():
        box = field(page, label)
        if box.evaluate("element => element.tagName") == "SELECT":
            box.select_option(label=value)
        else:
            box.fill(value)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_load_state()


def test_an_administrator_finds_who_read_a_case_and_exports_it(new_page, check_accessibility):
    reader = new_page("melder.kommune")
    reader.goto("/reports/?view=mine")
    reader.locator("table tbody a[href^='/reports/']").first.click()
    heading = reader.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Case SA-")
    case_id = reader.url.rstrip("/").rsplit("/", 1)[1]
    refused = new_page()
    refused.goto("/auth/login")
    refused.get_by_label("User name").fill("koordinator.kommune")
    refused.get_by_label("Password").fill("not-the-password-at-all")
    refused.get_by_role("button", name="Sign in").click()
    expect(refused.get_by_text("The user name or the password is wrong.")).to_be_visible()

    page = new_page("admin")
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    search(page, **{"User name": "melder.kommune", "Action": "Case read"})
    rows = page.locator("table[data-audit-trail] tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Case read")
    expect(rows.first).to_contain_text(f"Case {case_id}")
    expect(rows.first).to_contain_text("(melder.kommune, id ")
    expect(field(page, "User name")).to_have_value("melder.kommune")
    check_accessibility(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export as CSV").click()
    exported = download.value.path().read_bytes().decode("utf-8-sig").splitlines()
    assert len(exported) == 2 and ";melder.kommune;" in exported[1]
    assert ";report.read;report;" + case_id + ";" in exported[1]

    page.goto("/audit/")
    search(page, **{"Action": "Sign-in refused"})
    expect(page.locator("table[data-audit-trail] tbody tr").first).to_contain_text(
        "koordinator.kommune")
    expect(page.locator("table[data-audit-trail]")).not_to_contain_text(
        "not-the-password-at-all")
    search(page, **{"Action": "Audit trail exported"})
    expect(page.locator("table[data-audit-trail] tbody tr")).to_have_count(1)
    expect(page.locator("table[data-audit-trail] tbody tr")).to_contain_text("(admin, id ")

    page.goto("/audit/")
    search(page, **{"Client address": "10.0.0.300", "From": "24.11.2026"})
    expect(page.get_by_role("alert")).to_contain_text("Write an IP address")
    expect(field(page, "Client address")).to_have_value("10.0.0.300")
    expect(field(page, "From")).to_have_value("24.11.2026")
    assert re.search(r"client_address=10\.0\.0\.300", page.url)
    expect(page.locator("table[data-audit-trail]")).to_have_count(0)
    check_accessibility(page)
