"""Downloads as Norwegian Excel opens them: ";" and decimal commas in CSV, shares as
percentages in XLSX, the reader's language, whole sheet names, the lines that say what
the file holds, and the case list sent while it is read."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from flask import request_finished
from flask_babel import force_locale

from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.stats.export_info import ABOUT_SHEET, SHEET_NAMES
from avvik.stats.exports import SHEET_NAME_MAX
from avvik.stats.services import _export_row, table_names
from avvik.stats.tables import Column, Table
from tests.dashboards.conftest import YEAR
from tests.stats.data import make_case


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _reading(user, locale: str):
    user.locale = locale
    db.session.flush()
    return user


@pytest.fixture
def three_cases(world):
    """Two cases of one category and one of another: shares of two thirds and a third."""
    make_case(world, event_date=date(2026, 3, 1))
    make_case(world, event_date=date(2026, 3, 2))
    make_case(world, event_date=date(2026, 4, 1), category_id=world.other.id)


def test_a_bokmal_csv_says_what_it_holds_and_writes_decimal_commas(world, three_cases,
                                                                   browser_for):
    browser = browser_for(_reading(world.admin, "nb"))
    rows = _csv(browser.get(f"/dashboards/export/by_category.csv?{YEAR}").data)
    about = dict(row for row in rows[:rows.index([])])
    assert about["Innhold"] == "Saker per kategori (Pareto)"
    assert about["Filter"] == "Periode: 2026-01-01 – 2026-12-31"
    assert about["Hentet av"] == world.admin.full_name
    assert about["Hentet"].endswith("(norsk tid)")
    assert datetime.strptime(about["Hentet"][:16], "%Y-%m-%d %H:%M")
    assert about["Små tall"].startswith("Antall fra 1 til 4 vises som <5")
    assert "README" not in about["Små tall"]  # bokmål throughout, for Excel readers
    head, *table = rows[rows.index([]) + 1:]
    assert head == ["ID", "Navn", "Saker", "Andel", "Kumulativ andel"]
    assert [row[2:4] for row in table] == [["2", "66,7 %"], ["1", "33,3 %"]]
    assert table[-1][4] == "100,0 %"


def test_the_filter_is_named_in_words(world, three_cases, browser_for):
    browser = browser_for(_reading(world.admin, "nb"))
    query = (f"{YEAR}&direction=municipality_to_hospital&unit_id={world.ward.id}"
             f"&consequence=minor&potential_consequence=death")
    rows = _csv(browser.get(f"/dashboards/export/per_month.csv?{query}").data)
    about = dict(row for row in rows[:rows.index([])])
    assert about["Filter"] == ("Periode: 2026-01-01 – 2026-12-31; "
                               "Retning: Kommune til helseforetak; "
                               f"Enhet: {world.ward.name}; Konsekvens: "
                               "Mindre alvorlig skade; Mulig konsekvens: Dødsfall")


def test_a_bokmal_xlsx_has_percentages_whole_sheet_names_and_an_info_sheet(
        world, three_cases, browser_for):
    browser = browser_for(_reading(world.admin, "nb"))
    workbook = _workbook(browser.get(f"/dashboards/export/by_category.xlsx?{YEAR}").data)
    assert workbook.sheetnames == ["Per kategori", "Om uttrekket"]
    sheet = workbook["Per kategori"]
    assert [c.value for c in sheet[1]] == ["ID", "Navn", "Saker", "Andel",
                                           "Kumulativ andel"]
    share = sheet["D2"]
    assert share.value == 0.667 and share.number_format == "0.0 %"
    info = dict(workbook["Om uttrekket"].iter_rows(values_only=True))
    assert info["Filter"] == "Periode: 2026-01-01 – 2026-12-31"
    assert info["Hentet av"] == world.admin.full_name
    assert "<5" in info["Små tall"]


def test_an_english_reader_gets_english_files(world, three_cases, browser_for):
    browser = browser_for(_reading(world.admin, "en"))
    workbook = _workbook(browser.get(f"/dashboards/export/by_category.xlsx?{YEAR}").data)
    assert workbook.sheetnames == ["Per category", "About the export"]
    info = dict(workbook["About the export"].iter_rows(values_only=True))
    assert info["Filter"] == "Period: 2026-01-01 – 2026-12-31"
    assert info["Small counts"].startswith("Counts from 1 to 4 are shown as <5")


def test_working_days_are_rounded_with_a_comma(world, browser_for):
    routed = datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)
    for days in (1, 2):
        make_case(world, event_date=date(2026, 3, 1), routed_at=routed,
                  acknowledged_at=routed, acknowledge_working_days=days)
    browser = browser_for(_reading(world.admin, "nb"))
    rows = _csv(browser.get(f"/dashboards/export/answer_performance.csv?{YEAR}").data)
    values = {row[0]: row[1] for row in rows[rows.index([]) + 2:]}
    assert values["Virkedager til bekreftet mottak, median"] == "1,5"


def test_before_and_after_are_in_the_readers_words(app):
    table = Table("measure_evaluations", "Tiltak", [
        Column("measure_id", "Id"), Column("period", "Før eller etter"),
        Column("count", "Saker")], [[1, "before", 3], [1, "after", 2]])
    with app.test_request_context(), force_locale("nb"):
        assert [_export_row(table, row) for row in table.rows] == [
            [1, "Før", 3], [1, "Etter", 2]]


@pytest.mark.parametrize("locale", ["nb", "en"])
def test_every_download_has_a_whole_sheet_name_excel_accepts(app, locale):
    with app.test_request_context(), force_locale(locale):
        names = [str(SHEET_NAMES[name]) for name in [*table_names(), "cases"]]
        names.append(str(ABOUT_SHEET))
    assert all(len(name) <= SHEET_NAME_MAX for name in names), names
    assert not any(set(name) & set("[]:*?/\\") for name in names)
    assert len(set(names)) == len(names)


def test_the_case_list_is_streamed_with_its_info(world, app, browser_for):
    for day in (1, 2, 3):
        make_case(world, event_date=date(2026, 3, day))
    streamed: list[bool] = []

    def seen(sender, response, **extra):
        streamed.append(response.is_streamed)

    browser = browser_for(_reading(world.admin, "nb"))
    with request_finished.connected_to(seen, app):
        csv_data = browser.get(f"/dashboards/cases.csv?{YEAR}").data
        xlsx_data = browser.get(f"/dashboards/cases.xlsx?{YEAR}").data
    assert streamed == [True, True]
    rows = _csv(csv_data)
    about = dict(row for row in rows[:rows.index([])])
    assert about["Innhold"] == "Saker"
    assert about["Sakene i listen"].startswith("Bare sakene du har tilgang til")
    head, *cases = rows[rows.index([]) + 1:]
    assert head[:2] == ["Saksnummer", "Status"] and len(cases) == 3
    workbook = _workbook(xlsx_data)
    assert workbook.sheetnames == ["Saker", "Om uttrekket"]
    assert len(list(workbook["Saker"].iter_rows())) == 4


def test_a_bokmal_file_holds_no_english_codes(world, three_cases, browser_for):
    # Key figures and consequences have codes ("acknowledged", "minor") for the API;
    # a file shows their labels only. Numeric ids stay.
    browser = browser_for(_reading(world.admin, "nb"))
    for name in ("answer_performance", "by_consequence", "feedback"):
        rows = _csv(browser.get(f"/dashboards/export/{name}.csv?{YEAR}").data)
        head, *table = rows[rows.index([]) + 1:]
        assert "Kode" not in head and "ID" not in head, name
        assert not {"acknowledged", "minor", "closed"} & {c for row in table for c in row}
    workbook = _workbook(browser.get(f"/dashboards/export/answer_performance.xlsx?{YEAR}").data)
    assert [c.value for c in workbook.worksheets[0][1]] == ["Indikator", "Verdi"]
    rows = _csv(browser.get(f"/dashboards/export/by_category.csv?{YEAR}").data)
    assert rows[rows.index([]) + 1][0] == "ID"
