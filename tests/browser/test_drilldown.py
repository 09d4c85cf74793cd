"""From a figure to its cases in the real browser: the hospital's quality adviser clicks a
bar that Chart.js drew, and a row of a table, and lands on the case list with the same
filter and as many cases as the figure said. The secretariat, which may not open every
case it counts, finds no link.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.slow

ADVISER = "kvalitet"  #: reads every case of the hospital trust: its figures are links
SECRETARIAT = "sekretariat"  #: reads the committee's agenda only: no links


def bar_of(page: Any, figure_id: str) -> dict[str, Any]:
    """Where on the screen the first linked bar of the figure is, and what it counts."""
    page.locator(f"#{figure_id} canvas").scroll_into_view_if_needed()
    # A chart may be drawn only once it comes near the screen: wait for Chart.js to have it.
    page.wait_for_function("(id) => Chart.getChart(document.querySelector(`#${id} canvas`))",
                           arg=figure_id)
    return page.evaluate("""(id) => {
        const canvas = document.querySelector(`#${id} canvas`);
        const chart = Chart.getChart(canvas);
        const d = chart.data.datasets.findIndex((set) => set.links);
        const i = chart.data.datasets[d].links.findIndex((link) => link);
        const point = chart.getDatasetMeta(d).data[i].getCenterPoint();
        const box = canvas.getBoundingClientRect();
        return {x: box.left + point.x, y: box.top + point.y,
                label: chart.data.labels[i], count: chart.data.datasets[d].data[i]};
    }""", figure_id)


def listed(page: Any) -> int:
    """The case list's count, as it says it ("12 cases")."""
    page.wait_for_url(re.compile(r"/reports/\?"))
    text = page.locator("p.ds-paragraph[role=status]").inner_text()
    return int(text.split()[0])


def test_a_bar_and_a_row_open_the_list_of_their_cases(new_page, check_accessibility):
    page = new_page(ADVISER)
    page.goto("/dashboards/breakdowns")
    expect(page.locator("#chart-by_category")).to_be_visible()
    bar = bar_of(page, "chart-by_category")
    assert bar["count"] > 0
    page.mouse.click(bar["x"], bar["y"])
    assert listed(page) == bar["count"]
    expect(page.locator("#counted-note")).to_be_visible()
    assert page.get_by_label("Category").locator("option:checked").inner_text() == bar["label"]
    check_accessibility(page)

    page.goto("/dashboards/")
    row = page.locator("#table-per_month tbody tr").filter(has=page.locator("th a")).last
    month = row.locator("th").inner_text().strip()
    total = int(row.locator("td").last.inner_text())
    row.locator("th a").click()
    assert listed(page) == total
    year, number = month.split("-")  # the list shows a day as dd.mm.yyyy
    expect(page.get_by_label("Event from")).to_have_value(
        re.compile(rf"^\d\d\.{number}\.{year}$"))


def test_a_stacked_bar_opens_its_month_and_direction(new_page):
    page = new_page(ADVISER)
    page.goto("/dashboards/?direction=municipality_to_hospital")
    expect(page.locator("#chart-per_month")).to_be_visible()
    bar = bar_of(page, "chart-per_month")
    page.mouse.click(bar["x"], bar["y"])
    assert listed(page) == bar["count"]
    expect(page.get_by_label("Direction")).to_have_value("municipality_to_hospital")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_tables_figure_opens_its_cases_on_a_desktop_and_a_phone(new_page, width):
    # The tables' figures, not only the charts' bars: a month's direction, a category's
    # count, a unit's overdue cases.
    page = new_page(ADVISER)
    page.set_viewport_size({"width": width, "height": 900})
    for path, table, column in (("/dashboards/", "per_month", 2),
                                ("/dashboards/breakdowns", "by_category", 1),
                                ("/dashboards/performance", "open_per_unit", 2)):
        page.goto(path)
        cell = page.locator(f"#table-{table} tbody td:nth-child({column + 1}) a[data-cases]")
        expect(cell.first).to_be_attached()
        cell = cell.last
        count = int(cell.inner_text().replace("\xa0", "").replace(" ", ""))
        cell.scroll_into_view_if_needed()
        cell.click()
        assert listed(page) == count, (path, width)


def test_the_secretariat_finds_no_link_behind_figures_it_may_not_open(new_page):
    page = new_page(SECRETARIAT)
    page.goto("/dashboards/breakdowns")
    expect(page.locator("#chart-by_category")).to_be_visible()
    assert page.locator("[data-cases]").count() == 0
    # Every chart's numbers, drawn yet or not: none carries a link.
    has_links = page.evaluate("""() => Array.from(
        document.querySelectorAll("script[data-chart-spec]"),
        (source) => JSON.parse(source.textContent)).some(
        (spec) => spec.datasets.some((set) => set.links))""")
    assert has_links is False
