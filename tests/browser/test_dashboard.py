"""The quality dashboard in the real browser: the joint committee's secretariat opens it,
narrows it with the filter, and the chart and its table change together.

The chart's numbers are read from Chart.js itself (what it drew), the table's from the
page; axe-core finds no serious or critical violation on the way.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

SECRETARIAT = "sekretariat"
#: Opens every case of the hospital's statistics, so sees its small counts exactly
#: (README, "Small counts in statistics"); the secretariat sees them as "<5".
COORDINATOR = "koordinator.sykehus"


def drawn_totals(page: Any, figure_id: str) -> dict[str, int]:
    """{label: sum of the stacked layers} as Chart.js holds them for the figure's canvas."""
    return page.evaluate("""(id) => {
        const chart = Chart.getChart(document.querySelector(`#${id} canvas`));
        const out = {};
        chart.data.labels.forEach((label, i) => {
            out[label] = chart.data.datasets.reduce((sum, d) => sum + (d.data[i] || 0), 0);
        });
        return out;
    }""", figure_id)


def table_totals(page: Any, table_id: str) -> dict[str, int]:
    """{month: the "Total" column} as the page's table shows it (every count exact)."""
    rows = page.locator(f"#{table_id} tbody tr")
    return {row.locator("th").inner_text().strip(): int(row.locator("td").last.inner_text())
            for row in rows.all()}


def test_a_coordinator_filters_the_dashboard_and_sees_chart_and_table_change(
        new_page, check_accessibility):
    page = new_page(COORDINATOR)
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Statistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistics")
    figure = page.locator("#chart-per_month")
    expect(figure).to_be_visible()  # drawn: without JavaScript it stays hidden
    check_accessibility(page)

    before = drawn_totals(page, "chart-per_month")
    assert before == table_totals(page, "table-per_month")
    assert sum(before.values()) > 0

    page.get_by_label("Direction").select_option("hospital_to_municipality")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**direction=hospital_to_municipality**")
    expect(page.get_by_label("Direction")).to_have_value("hospital_to_municipality")
    expect(figure).to_be_visible()

    after = drawn_totals(page, "chart-per_month")
    assert after == table_totals(page, "table-per_month")
    assert after != before and sum(after.values()) < sum(before.values())
    check_accessibility(page)


def test_the_breakdowns_and_the_yearly_report_pass_axe(new_page, check_accessibility):
    page = new_page(SECRETARIAT)
    page.goto("/dashboards/breakdowns")
    expect(page.locator("#chart-by_category")).to_be_visible()
    check_accessibility(page)
    page.goto("/dashboards/yearly/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("yearly report")
    check_accessibility(page)


def test_the_printed_yearly_report_has_no_navigation_or_filter_and_a_summary_page(
        new_page):
    page = new_page(SECRETARIAT)
    page.goto("/dashboards/yearly/")
    expect(page.locator("#summary")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".dashboard-filters", ".export-links >> nth=0"):
        expect(page.locator(hidden)).to_be_hidden()
    # The summary is a page of its own; the sections after it flow, never a heading alone.
    assert page.eval_on_selector("#summary", "s => getComputedStyle(s).breakAfter") == "page"
    afters = page.eval_on_selector_all(
        ".yearly-section h2", "hs => hs.map(h => getComputedStyle(h).breakAfter)")
    assert len(afters) >= 5 and set(afters) == {"avoid"}
    assert page.pdf()[:5] == b"%PDF-"  # the browser's own print still works


def test_on_a_phone_the_dashboard_fits_the_screen(new_page):
    page = new_page(SECRETARIAT)
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/dashboards/", "/dashboards/performance"):
        page.goto(path)
        expect(page.locator("figure[data-chart]").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)  # wide tables scroll inside their frame
