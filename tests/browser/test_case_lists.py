"""The case lists in the real browser, at a desktop's width and a phone's.

Measured as drawn: a checkbox's box, whether a list is wider than the page, whether the
deadline is in view. axe-core finds no serious or critical violation at either size.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

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
