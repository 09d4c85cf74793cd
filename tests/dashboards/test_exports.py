"""Downloads: every table of the page as CSV and XLSX with the page's filter, and the
de-identified case list, free text only for the roles that may read it."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from avvik.audit.models import AuditEntry
from avvik.committee.models import AgendaSource
from avvik.committee.services import place_on_agenda
from avvik.extensions import db
from avvik.stats.services import table_names
from tests.dashboards import pages
from tests.dashboards.conftest import YEAR
from tests.stats.data import make_case

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_rows(data: bytes) -> list[list[str]]:
    """The table of a CSV download, after the lines that say what it holds."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    return rows[rows.index([]) + 1:]


def _xlsx_rows(data: bytes) -> list[list[object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    try:
        return [list(row) for row in workbook.active.iter_rows(values_only=True)]
    finally:
        workbook.close()


def test_every_table_downloads_as_csv_and_xlsx(world, browser_for):
    make_case(world, event_date=date(2026, 3, 1))
    browser = browser_for(world.admin)
    for name in table_names():
        for fmt, mimetype in (("csv", CSV), ("xlsx", XLSX)):
            response = browser.get(f"/dashboards/export/{name}.{fmt}?{YEAR}")
            assert response.status_code == 200, (name, fmt)
            assert response.headers["Content-Type"] == mimetype
            assert response.headers["Content-Disposition"] == (
                f'attachment; filename="avvik-{name}-2026-01-2026-12.{fmt}"')


def test_the_download_holds_the_numbers_of_the_page(world, browser_for):
    for month in (1, 3, 3):
        make_case(world, event_date=date(2026, month, 5))
    browser = browser_for(world.admin)
    html = browser.get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    page = pages.column(html, "table-per_month", "Total")
    rows = _csv_rows(browser.get(f"/dashboards/export/per_month.csv?{YEAR}").data)
    assert rows[0] == ["Month", "Municipality to hospital", "Hospital to municipality",
                       "Other", "Total"]
    assert {row[0]: row[-1] for row in rows[1:]} == page
    sheet = _xlsx_rows(browser.get(f"/dashboards/export/per_month.xlsx?{YEAR}").data)
    assert sheet[3] == ["2026-03", 2, 0, 0, 2]


def test_a_download_keeps_the_filter_and_the_suppression(world, people, browser_for):
    make_case(world, event_date=date(2026, 3, 1))
    make_case(world, event_date=date(2026, 4, 1))
    sheet = _xlsx_rows(browser_for(people.secretariat).get(
        "/dashboards/export/by_reporting_organization.xlsx?from=2026-03&to=2026-03").data)
    assert sheet[1][1:3] == ["Testvik kommune", "<5"]


def test_text_that_looks_like_a_formula_is_escaped(world, browser_for):
    world.other.name = "=HYPERLINK(\"http://x\")"
    make_case(world, event_date=date(2026, 3, 1), category_id=world.other.id)
    browser = browser_for(world.admin)
    rows = _csv_rows(browser.get(f"/dashboards/export/by_category.csv?{YEAR}").data)
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"
    sheet = _xlsx_rows(browser.get(f"/dashboards/export/by_category.xlsx?{YEAR}").data)
    assert sheet[1][1] == "'=HYPERLINK(\"http://x\")"


def test_an_unknown_table_or_format_is_404(world, browser_for):
    browser = browser_for(world.admin)
    assert browser.get("/dashboards/export/nothing.csv").status_code == 404
    assert browser.get("/dashboards/export/per_month.pdf").status_code == 404
    assert browser.get("/dashboards/cases.json").status_code == 404


def test_the_case_list_is_de_identified_with_free_text_for_coordinators(world,
                                                                         browser_for):
    make_case(world, event_date=date(2026, 3, 1), description="-Pasienten falt.")
    response = browser_for(world.hospital_coordinator).get(f"/dashboards/cases.xlsx?{YEAR}")
    assert response.headers["Content-Type"] == XLSX
    assert response.headers["Cache-Control"] == "no-store"
    head, row = _xlsx_rows(response.data)
    assert "Description" in head and row[head.index("Description")] == "'-Pasienten falt."
    assert not any("patient" in str(h).lower() or "national" in str(h).lower()
                   for h in head)


def test_leaders_get_the_case_list_without_free_text(world, browser_for):
    make_case(world, event_date=date(2026, 3, 1), description="Fiktiv tekst.")
    browser = browser_for(world.ward_leader)
    overview = browser.get(f"/dashboards/?{YEAR}").get_data(as_text=True)
    assert "The free text of the cases is left out for your role." in overview
    head, *rows = _csv_rows(browser.get(f"/dashboards/cases.csv?{YEAR}").data)
    assert len(rows) == 1 and "Description" not in head
    assert "Fiktiv tekst." not in ";".join(rows[0])


def test_the_secretariats_case_list_holds_the_cases_on_its_agenda_only(
        world, people, browser_for):
    make_case(world, event_date=date(2026, 3, 1), description="Ikke på sakslisten.")
    on_agenda = make_case(world, event_date=date(2026, 3, 2), description="På sakslisten.")
    place_on_agenda(on_agenda, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                    actor=world.hospital_coordinator)
    browser = browser_for(people.secretariat)
    assert "/dashboards/cases.csv" in browser.get(f"/dashboards/?{YEAR}").get_data(
        as_text=True)
    rows = _csv_rows(browser.get(f"/dashboards/cases.csv?{YEAR}").data)
    assert [row[0] for row in rows[1:]] == [on_agenda.case_number]
    assert "På sakslisten." in rows[1]  # the secretariat reads the free text


def test_reporters_and_handlers_get_no_case_list(world, browser_for):
    make_case(world, event_date=date(2026, 3, 1))
    assert browser_for(world.ward_handler).get(
        f"/dashboards/cases.csv?{YEAR}").status_code == 403


def test_a_case_list_download_is_logged(world, browser_for):
    make_case(world, event_date=date(2026, 3, 1))
    browser_for(world.admin).get(f"/dashboards/cases.csv?{YEAR}")
    entry = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "cases.exported")).scalar_one()
    assert entry.actor_id == world.admin.id
    assert entry.detail == {"format": "csv", "free_text": True, "from": "2026-01",
                            "to": "2026-12"}


@pytest.mark.parametrize("path", ["/dashboards/export/per_month.csv",
                                  "/dashboards/cases.xlsx"])
def test_a_download_with_a_bad_filter_explains_instead_of_failing(world, browser_for,
                                                                   path):
    response = browser_for(world.admin).get(f"{path}?from=2026-05&to=2026-01")
    assert response.status_code == 400
    assert "The period ends before it starts." in response.get_data(as_text=True)
