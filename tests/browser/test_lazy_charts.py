"""Pages of many charts draw the first ones at once and the others as they come into
view; printing draws them all (paper cannot scroll). (The measures' evaluations and the
yearly report are drawn on the server as SVG: tests/browser/test_yearly_report.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

SECRETARIAT = "sekretariat"


def _drawn(page) -> int:
    return page.evaluate("Number(document.documentElement.dataset.chartsDrawn || 0)")


def _charted(page) -> int:
    return page.evaluate("""() => [...document.querySelectorAll("figure[data-chart] canvas")]
        .filter(canvas => Chart.getChart(canvas)).length""")


@pytest.mark.parametrize("path", ["/dashboards/breakdowns"])
def test_charts_below_the_screen_are_drawn_when_scrolled_to(new_page, path):
    page = new_page(SECRETARIAT)
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(path)
    page.wait_for_load_state("load")
    figures = page.locator("figure[data-chart]")
    total = figures.count()
    if total <= 3:
        pytest.skip(f"{path} has {total} charts in the demo data: nothing to draw later")
    expect(figures.first).to_be_visible()
    assert _charted(page) == _drawn(page) < total
    figures.last.scroll_into_view_if_needed()
    page.wait_for_function("""() => {
        const canvases = document.querySelectorAll("figure[data-chart] canvas");
        return Boolean(Chart.getChart(canvases[canvases.length - 1]));
    }""")
    assert _charted(page) == _drawn(page) > 3


def test_printing_draws_every_chart(new_page):
    page = new_page(SECRETARIAT)
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto("/dashboards/breakdowns")
    expect(page.locator("figure[data-chart]").first).to_be_visible()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert _charted(page) == page.locator("figure[data-chart] canvas").count()
