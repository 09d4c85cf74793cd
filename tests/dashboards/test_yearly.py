"""The joint committee's yearly report: one printable page per year."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from avvik.extensions import db
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.reports.models import ReportStatus
from tests.dashboards import pages
from tests.factories import make_category
from tests.stats.data import make_case, oslo

CSS = Path(__file__).resolve().parents[2] / "avvik" / "static" / "css" / "yearly-report.css"


def test_the_yearly_report_holds_counts_trend_performance_categories_and_signals(
        world, people, browser_for):
    for year in (2024, 2025):
        for month in range(1, 13):
            for _ in range(1 if year == 2024 else 3):
                make_case(world, event_date=date(year, month, 10))
    make_case(world, event_date=date(2025, 5, 2), status=ReportStatus.ANSWERED,
              routed_at=oslo(2025, 5, 5, 9), answered_at=oslo(2025, 5, 7, 9),
              answer_due_at=oslo(2025, 5, 20, 9))
    make_case(world, event_date=date(2026, 1, 10))  # the next year: not in the report
    # The hospital's coordinator may open every case: exact figures (the secretariat's
    # below: small counts hidden, avvik.stats.suppression).
    response = browser_for(world.hospital_coordinator).get("/dashboards/yearly/2025")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "yearly report 2025" in html and "Cases in 2025: 37." in html
    trend = pages.column(html, "table-per_year", "Total")
    assert trend == {"2021": "0", "2022": "0", "2023": "0", "2024": "12", "2025": "37"}
    months = pages.column(html, "table-per_month", "Total")
    assert len(months) == 12 and months["2025-05"] == "4"
    figures = pages.column(html, "table-answer_performance", "Value")
    assert figures["Working days to answer, median"] == "2"
    # One answer: hidden from the secretariat, which may open none of the cases.
    hidden = browser_for(people.secretariat).get("/dashboards/yearly/2025").get_data(
        as_text=True)
    assert "Cases in 2025: 37." in hidden
    by_organisation = pages.table(hidden, "table-answer_performance_by_organization")
    assert by_organisation[1][:6] == ["Testvik sykehus HF", "0", "–", "–", "<5", "–"]
    assert pages.column(hidden, "table-answer_performance", "Value")[
        "Working days to answer, median"] == "–"
    assert pages.column(html, "table-by_category", "Cases") == {
        "Legemiddelliste mangler": "37"}
    # 12 months at 1, then 12 at 3 (4 in May): a shift the run chart must state.
    assert "unusually long run: 12 months above the median since January 2025" in html
    assert re.search(r'href="/static/css/dashboards\.[0-9a-f]{12}\.css"', html)


def test_the_report_lists_only_the_top_ten_categories(world, browser_for):
    for n in range(12):
        category = make_category(f"K{n}", name=f"Kategori {n:02d}",
                                 health_community=world.other.health_community)
        for _ in range(n + 1):
            make_case(world, event_date=date(2025, 3, 1), category_id=category.id)
    html = browser_for(world.admin).get("/dashboards/yearly/2025").get_data(as_text=True)
    shown = list(pages.column(html, "table-by_category", "Cases"))
    assert shown == [f"Kategori {n:02d}" for n in range(11, 1, -1)]
    assert "/dashboards/export/by_category.csv?from=2025-01&amp;to=2025-12" in html


def test_a_year_without_cases_says_no_cases(world, browser_for):
    html = browser_for(world.admin).get("/dashboards/yearly/2019").get_data(as_text=True)
    assert 'id="no-cases"' in html and "table-per_month" not in html


@pytest.mark.clock
def test_the_year_comes_from_the_form_or_defaults_to_last_year(world, browser_for, clock):
    browser = browser_for(world.admin)
    assert browser.get("/dashboards/yearly/?year=2024").headers["Location"].endswith(
        "/dashboards/yearly/2024")
    last_year = clock.today.year - 1  # Norway's, also in UTC's last hour of the old year
    assert browser.get("/dashboards/yearly/").headers["Location"].endswith(
        f"/dashboards/yearly/{last_year}")
    assert browser.get("/dashboards/yearly/?year=x").headers["Location"].endswith(
        f"/dashboards/yearly/{last_year}")


def test_years_out_of_range_are_404(world, browser_for):
    browser = browser_for(world.admin)
    for year in ("1901", "99999", "abc"):
        assert browser.get(f"/dashboards/yearly/{year}").status_code == 404, year
    assert browser.get("/dashboards/yearly/?year=-3", follow_redirects=True
                       ).status_code == 404


def test_printing_hides_navigation_and_filters_and_keeps_headings_with_their_content():
    css = CSS.read_text()
    print_rules = css[css.index("@media print"):]
    for selector in (".site-header", ".dashboard-filters", ".dashboard-tabs",
                     ".export-links"):
        assert selector in print_rules.split("display: none")[0], selector
    assert ".yearly-summary { break-after: page; }" in print_rules
    assert "h2, h3, figcaption { break-after: avoid; }" in print_rules
    assert "thead { display: table-header-group; }" in print_rules


def _pdf_text(response) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(response.get_data()))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.clock
def test_the_pdf_is_made_on_the_server_with_the_pages_content(
        world, people, browser_for, clock):
    last_year = clock.today.year - 1
    for month in range(1, 13):
        for _ in range(6):
            make_case(world, event_date=date(last_year, month, 10))
    browser = browser_for(people.secretariat)
    page = browser.get(f"/dashboards/yearly/{last_year}").get_data(as_text=True)
    assert f'href="/dashboards/yearly/{last_year}.pdf"' in page
    response = browser.get(f"/dashboards/yearly/{last_year}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    pages, text = _pdf_text(response)
    assert 1 < pages <= 10
    assert f"Cases in {last_year}: 72." in text and "Summary" in text
    assert "Page 1 / " in text and "Incomplete year" not in text
    # The secretariat may open none of the cases: the rule is stated and applied.
    assert "Counts from 1 to 4 are shown as" in text
    assert "download" not in text.lower()  # no pointer to a link a paper cannot follow


@pytest.mark.clock
def test_the_current_year_is_incomplete_and_only_years_with_data_are_offered(
        world, browser_for, clock):
    this_year = clock.today.year
    make_case(world, event_date=date(this_year - 2, 5, 1))
    make_case(world, event_date=clock.today)
    html = browser_for(world.admin).get(f"/dashboards/yearly/{this_year}").get_data(
        as_text=True)
    assert 'id="incomplete"' in html
    options = re.findall(r'<option value="(\d{4})"', html)
    assert options == [str(this_year), str(this_year - 2)]  # not the year between
    latest = browser_for(world.admin).get("/dashboards/yearly/")
    assert latest.headers["Location"].endswith(f"/dashboards/yearly/{this_year - 2}")
    _, text = _pdf_text(browser_for(world.admin).get(f"/dashboards/yearly/{this_year}.pdf"))
    assert "Incomplete year" in text


def test_the_report_can_be_limited_to_one_municipality_or_hospital_division(
        world, browser_for):
    make_case(world, event_date=date(2025, 3, 1))
    make_case(world, event_date=date(2025, 3, 2), reporting_unit=world.other_ward.parent,
              receiving_unit=world.ward)  # within the hospital only
    browser = browser_for(world.admin)
    html = browser.get("/dashboards/yearly/2025").get_data(as_text=True)
    assert f'value="organization-{world.kommune.id}"' in html
    assert f'value="unit-{world.clinic.id}"' in html
    assert f'value="organization-{world.hospital.id}"' not in html  # a trust is no scope
    limited = browser.get(f"/dashboards/yearly/2025?scope=organization-{world.kommune.id}")
    text = limited.get_data(as_text=True)
    assert "Cases in 2025: 1." in text and "Limited to: Testvik kommune" in text
    assert f'href="/dashboards/yearly/2025.pdf?scope=organization-{world.kommune.id}"' in text
    _, pdf = _pdf_text(browser.get(
        f"/dashboards/yearly/2025.pdf?scope=unit-{world.clinic.id}"))
    assert "Cases in 2025: 2." in pdf and "Medisinsk klinikk" in pdf
    assert browser.get("/dashboards/yearly/2025?scope=organization-99999").status_code == 404
    assert browser.get(f"/dashboards/yearly/2025.pdf?scope=unit-{world.ward.id}"
                       ).status_code == 404  # a ward is no division


@pytest.mark.clock
def test_the_report_lists_the_measures_that_started_in_its_year(world, browser_for, clock):
    linked = make_case(world, event_date=date(2025, 10, 1))
    for start, title in ((date(2025, 11, 3), "Startet i 2025"),
                         (date(2026, 1, 5), "Startet i 2026")):
        measure = Measure(title=title, owning_unit_id=world.ward.id,
                          created_by_id=world.admin.id, due_date=date(2026, 4, 1),
                          status=MeasureStatus.IN_PROGRESS, start_date=start)
        measure.links.append(MeasureReport(report_id=linked.id, linked_by_id=world.admin.id))
        db.session.add(measure)
    html = browser_for(world.admin).get("/dashboards/yearly/2025").get_data(as_text=True)
    assert "Startet i 2025" in html and "Startet i 2026" not in html
    assert "<canvas" not in html and "chart.umd" not in html  # drawn on the server


def test_a_year_before_with_only_some_months_of_data_is_not_compared(world, browser_for):
    for month in (11, 12):
        make_case(world, event_date=date(2024, month, 10))
    for month in range(1, 13):
        make_case(world, event_date=date(2025, month, 10))
    html = browser_for(world.hospital_coordinator).get("/dashboards/yearly/2025").get_data(
        as_text=True)
    assert "Cases in 2025: 12." in html
    assert "The year before, with data only from 2024-11: 2." in html
    assert "Change:" not in html  # 12 against two months would read as +500 %
    whole = browser_for(world.hospital_coordinator).get("/dashboards/yearly/2024").get_data(
        as_text=True)
    assert "The year before: 0." in whole
