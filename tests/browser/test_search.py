"""Searching the case list in the real browser, in bokmål, at a desktop's width and a
phone's: words and case numbers, the search kept in the URL and the box, the filters kept
with it, odd input answered calmly. axe-core finds no serious or critical violation."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.test_case_lists import DESKTOP, PHONE, bokmal_page, overflow

pytestmark = pytest.mark.slow


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def search(page, words: str) -> None:
    box = page.get_by_role("searchbox", name="Søk")
    box.fill(words)
    box.press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_coordinator_searches_the_organisations_cases(new_page, check_accessibility,
                                                         viewport):
    page = bokmal_page(new_page, "koordinator.kommune")
    page.set_viewport_size(viewport)
    page.goto("/reports/?view=organization&status=closed")
    search(page, "legemiddelliste")
    assert query_of(page)["q"] == ["legemiddelliste"]
    assert query_of(page)["status"] == ["closed"] and query_of(page)["view"] == ["organization"]
    expect(page.get_by_role("searchbox", name="Søk")).to_have_value("legemiddelliste")
    rows = page.locator("table.card-table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 0
    statuses = page.locator("td[data-label='Status']").all_inner_texts()
    assert statuses and all("Lukket" in s for s in statuses), statuses
    assert overflow(page) == {"page": 0, "list": 0}
    check_accessibility(page)

    number = page.locator("td[data-label='Sak'] a").first.inner_text()
    search(page, number[-5:])  # the number of any year
    found = page.locator("td[data-label='Sak'] a").all_inner_texts()
    assert number in found and all(n.endswith(number[-5:]) for n in found), found
    search(page, number.removeprefix("SA-"))  # the year and number
    expect(page.locator("td[data-label='Sak'] a")).to_have_text([number])
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)

    page.goto("/reports/?view=organization")
    search(page, '"legemiddel AND (* -')
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Søk")).to_have_value('"legemiddel AND (* -')
    check_accessibility(page)
