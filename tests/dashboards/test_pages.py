"""The dashboard pages: who gets them, the exact numbers in their tables, the scoping."""

from __future__ import annotations

import re
from datetime import date

import pytest

from avvik.reports.models import Consequence, ReportStatus
from tests.dashboards import pages
from tests.dashboards.conftest import YEAR
from tests.stats.data import make_case


def _other_kommune_unit(world):
    return next(u for u in world.other_kommune.units)


@pytest.fixture
def cases(world):
    """3 cases Testvik kommune -> hospital ward (Jan, Feb, Feb), 2 Annenby kommune ->
    hospital ward (March), 1 hospital ward -> Testvik home care (April); a draft that
    never counts; a case of 2025 outside the period."""
    make_case(world, event_date=date(2026, 1, 10))
    make_case(world, event_date=date(2026, 2, 10), consequence=Consequence.MODERATE)
    make_case(world, event_date=date(2026, 2, 11), category_id=world.other.id)
    annenby = _other_kommune_unit(world)
    for day in (3, 4):
        make_case(world, event_date=date(2026, 3, day), reporting_unit=annenby)
    make_case(world, event_date=date(2026, 4, 1), reporting_unit=world.ward,
              receiving_unit=world.home_care)
    make_case(world, event_date=date(2026, 5, 1), status=ReportStatus.DRAFT)
    make_case(world, event_date=date(2025, 6, 1))


def _total(html: str) -> str:
    return pages.column(html, "table-per_year", "Total")["2026"]


def test_an_administrator_sees_every_counted_case_per_month_and_direction(
        world, cases, browser_for):
    html = browser_for(world.admin).get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    months = pages.column(html, "table-per_month", "Total")
    assert [months[f"2026-{m:02d}"] for m in range(1, 6)] == ["1", "2", "2", "1", "0"]
    to_hospital = pages.column(html, "table-per_month", "Municipality to hospital")
    to_kommune = pages.column(html, "table-per_month", "Hospital to municipality")
    assert (to_hospital["2026-04"], to_kommune["2026-04"]) == ("0", "1")
    assert _total(html) == "6"
    assert "Cases in the selection: 6" in html


@pytest.mark.parametrize(("who", "total"), [
    ("kommune_leader", "4"),  # leads home care: reported by it, or answered by it
    ("kommune_coordinator", "4"),  # Testvik kommune on either side
    ("ward_leader", "6"),  # every case reported by or routed to the ward
    ("hospital_coordinator", "6"),
    ("hospital_adviser", "6"),
    ("kommune_adviser", "4"),  # Testvik kommune on either side; it reads them all
    ("secretariat", "6"),  # the whole health community
])
def test_each_role_sees_the_numbers_of_its_scope(world, people, cases, browser_for, who,
                                                 total):
    user = getattr(world, who, None) or getattr(people, who)
    response = browser_for(user).get(f"/dashboards/?{YEAR}")
    assert response.status_code == 200
    assert _total(response.get_data(as_text=True)) == total


def test_a_leader_never_sees_another_organisations_numbers(world, cases, browser_for):
    html = browser_for(world.kommune_leader).get(
        f"/dashboards/breakdowns?{YEAR}").get_data(as_text=True)
    reporting = pages.column(html, "table-by_reporting_organization", "Cases")
    # it may open every case it counts: exact (avvik.stats.suppression)
    assert reporting == {"Testvik kommune": "3", "Testvik sykehus HF": "1"}
    assert "Annenby kommune" not in pages.column(
        html, "table-by_receiving_organization", "Cases")


def test_the_secretariat_gets_small_counts_as_less_than_5(
        world, people, cases, browser_for):
    html = browser_for(people.secretariat).get(
        f"/dashboards/breakdowns?{YEAR}").get_data(as_text=True)
    reporting = pages.column(html, "table-by_reporting_organization", "Cases")
    # It may open none of the cases: every count of 1 to 4 hidden, rows alphabetical.
    assert list(reporting.items()) == [("Annenby kommune", "<5"), ("Testvik kommune", "<5"),
                                       ("Testvik sykehus HF", "<5")]
    assert "shown as “&lt;5”" in html
    spec = pages.chart(html, "chart-by_reporting_organization")
    assert spec["datasets"][0]["data"] == [None, None, None]


def test_the_breakdowns_show_exact_counts_and_the_pareto_of_categories(
        world, cases, browser_for):
    html = browser_for(world.admin).get(f"/dashboards/breakdowns?{YEAR}").get_data(
        as_text=True)
    categories = pages.table(html, "table-by_category")
    assert categories[1:] == [["Legemiddelliste mangler", "5", "83.3%", "83.3%"],
                              ["Annet", "1", "16.7%", "100.0%"]]
    pareto = pages.chart(html, "chart-by_category")
    assert pareto["kind"] == "pareto"
    assert [d["data"] for d in pareto["datasets"]] == [[5, 1], [83.3, 100.0]]
    consequence = pages.column(html, "table-by_consequence", "Cases")
    assert (consequence["Minor"], consequence["Moderate"], consequence["Death"]) == (
        "5", "1", "0")
    units = pages.column(html, "table-by_unit", "Cases")
    assert units["Testvik sykehus HF: Medisinsk sengepost"] == "5"


def test_each_chart_carries_the_numbers_of_its_table(world, cases, browser_for):
    html = browser_for(world.admin).get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    spec = pages.chart(html, "chart-per_month")
    assert spec["kind"] == "stacked" and spec["labels"][:3] == ["2026-01", "2026-02",
                                                               "2026-03"]
    to_hospital = pages.column(html, "table-per_month", "Municipality to hospital")
    assert spec["datasets"][0]["data"] == [int(to_hospital[m]) for m in spec["labels"]]
    assert re.search(r'src="/static/vendor/chartjs/chart\.umd\.min\.[0-9a-f]{12}\.js"', html)
    assert "cdn" not in html.lower()


def test_reporters_and_handlers_get_403_and_no_menu_entry(world, cases, browser_for):
    for user in (world.reporter, world.ward_handler):
        browser = browser_for(user)
        for path in ("/dashboards/", "/dashboards/breakdowns", "/dashboards/yearly/2026",
                     "/dashboards/export/per_month.csv", "/dashboards/cases.csv"):
            assert browser.get(path).status_code == 403, path
        assert 'href="/dashboards/"' not in browser.get("/").get_data(as_text=True)


def test_the_menu_shows_statistics_to_those_who_have_dashboards(world, people,
                                                                browser_for):
    html = browser_for(people.secretariat).get("/").get_data(as_text=True)
    assert 'href="/dashboards/">Statistics</a>' in html


def test_an_empty_selection_says_no_cases_instead_of_drawing_charts(world, browser_for):
    html = browser_for(world.admin).get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    assert 'id="no-cases"' in html and "No cases" in html
    assert "data-chart-spec" not in html and "vendor/chartjs/" not in html


def test_the_sections_say_no_cases_for_a_filter_that_matches_nothing(world, cases,
                                                                      browser_for):
    browser = browser_for(world.admin)
    for section in ("", "breakdowns", "performance", "measures"):
        html = browser.get(f"/dashboards/{section}?{YEAR}&consequence=death").get_data(
            as_text=True)
        assert 'id="no-cases"' in html, section


def test_in_bokmal_the_numbers_read_the_norwegian_way(world, cases, browser_for):
    browser = browser_for(world.admin)
    html = browser.get(f"/dashboards/breakdowns?{YEAR}",
                       headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert '<html lang="nb">' in html
    shares = pages.column(html, "table-by_category", pages.table(
        html, "table-by_category")[0][2])
    assert shares["Legemiddelliste mangler"] == "83,3\xa0%"
