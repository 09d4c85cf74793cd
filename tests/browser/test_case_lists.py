"""The case lists in the real browser, at a desktop's width and a phone's.

Measured as drawn: a checkbox's box, whether a list is wider than the page, whether the
deadline is in view. axe-core finds no serious or critical violation at either size.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from avvik.demo.people import DEMO_PASSWORD

pytestmark = pytest.mark.slow

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: The design system's toggle size (--ds-size-6 at data-size="md"), in CSS pixels.
TOGGLE_PX = 24


def box(page: Any, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not drawn"
    return found


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_filter_checkboxes_are_square_and_full_size(new_page, check_accessibility,
                                                        viewport):
    page = new_page("leder.sykehus")
    page.set_viewport_size(viewport)
    page.goto("/reports/")
    page.get_by_text("Filter and sort").click()
    checkbox = page.get_by_label("Only overdue cases")
    expect(checkbox).to_be_visible()
    for selector in ("#overdue", "#status-draft"):
        drawn = box(page, selector)
        assert round(drawn["width"]) == round(drawn["height"]) == TOGGLE_PX, (selector, drawn)
    checkbox.check()
    expect(checkbox).to_be_checked()
    check_accessibility(page)
    page.goto("/measures/")  # a checkbox outside the case pages' own styles
    drawn = box(page, "#overdue")
    assert round(drawn["width"]) == round(drawn["height"]) == TOGGLE_PX, drawn


def bokmal_page(new_page: Any, user: str) -> Any:
    """Signed in as ``user`` in bokmål, chosen on the login page: kept in this browser's
    session only, so the user's saved language stays as other tests expect it."""
    page = new_page()
    page.goto("/auth/login")
    page.get_by_role("button", name="Norsk (bokmål)").click()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.get_by_label("Brukernavn").fill(user)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()
    return page


def overflow(page: Any) -> dict[str, int]:
    """How far the page, and the list inside its frame, are wider than what shows them."""
    return page.evaluate("""() => {
        const frame = document.querySelector('.table-wrap');
        return {page: document.documentElement.scrollWidth - window.innerWidth,
                list: frame.scrollWidth - frame.clientWidth};
    }""")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize(("user", "path"), [("melder.kommune", "/reports/"),
                                            ("koordinator.kommune", "/reports/?view=organization")],
                         ids=["reporter", "coordinator"])
def test_the_case_list_fits_the_screen_and_shows_the_answer_deadline(
        new_page, check_accessibility, viewport, user, path):
    page = bokmal_page(new_page, user)
    page.set_viewport_size(viewport)
    page.goto(path)
    assert overflow(page) == {"page": 0, "list": 0}

    deadline = page.locator("td[data-label='Svar innen']:not(:empty)").first
    expect(deadline).to_be_visible()
    drawn = deadline.bounding_box()
    assert drawn is not None, "the deadline is drawn"
    assert drawn["x"] >= 0 and drawn["x"] + drawn["width"] <= viewport["width"], drawn
    labels = page.eval_on_selector_all(
        "table.card-table tbody tr:first-child td",
        "cells => cells.map(c => getComputedStyle(c, '::before').content)")
    if viewport is PHONE:
        # A card: the row's fields one under the other, each named by its column.
        headers = page.locator("table.card-table thead th").all_inner_texts()
        assert labels == [f'"{header}"' for header in headers]
        assert "Svar innen" in headers
        cells = page.locator("table.card-table tbody tr").first.locator("td")
        tops = [cells.nth(i).bounding_box()["y"] for i in range(cells.count())
                if cells.nth(i).is_visible()]
        assert tops == sorted(tops) and len(set(tops)) == len(tops), tops
    else:
        assert set(labels) == {"none"}  # the header row names the columns
        header = page.get_by_role("columnheader", name="Svar innen")
        right = header.bounding_box()["x"] + header.bounding_box()["width"]
        frame = page.locator(".table-wrap").bounding_box()
        assert right <= frame["x"] + frame["width"] + 0.5, (right, frame)
    check_accessibility(page)
