"""CSV and XLSX read back: the same cells, formula injection escaped, no patient identity."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest

from avvik.core.timeutil import OSLO
from avvik.reports.services import create_draft, submit_report
from avvik.reports.services.validation import PatientIdentityInput
from avvik.routing.services import route_report
from avvik.stats.exports import Share, csv_chunks, escape_text, write_csv, write_xlsx
from avvik.stats.filters import StatsFilter
from avvik.stats.queries import case_list
from avvik.users.models import Role
from tests.factories import make_user
from tests.stats.data import make_case

DANGEROUS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
HEADERS = ["Navn", "Antall", "Andel", "Dato", "Tidspunkt"]
ROWS = [
    ["Annet", 5, 0.5, date(2026, 3, 1), datetime(2026, 3, 1, 23, 30, tzinfo=OSLO)],
    ["<5", None, None, None, None],
    *[[text, -1, 0.25, None, None] for text in DANGEROUS],
]


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(content: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    # A carriage return is stored as the OOXML escape _x000D_, which Excel turns back
    # into the character and openpyxl leaves as it is.
    return [[cell.replace("_x000D_", "\r") if isinstance(cell, str) else cell
             for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_escape_text_prefixes_a_quote_to_formula_starts_only():
    assert [escape_text(t) for t in DANGEROUS] == ["'" + t for t in DANGEROUS]
    assert escape_text("Legemiddelliste mangler") == "Legemiddelliste mangler"
    assert escape_text("a=b") == "a=b"
    assert escape_text("") == ""


def test_csv_reads_back_with_every_dangerous_cell_escaped():
    rows = read_csv(write_csv(HEADERS, ROWS))
    assert rows[0] == HEADERS
    assert rows[1] == ["Annet", "5", "0,5", "2026-03-01", "2026-03-01 23:30"]
    assert rows[2] == ["<5", "", "", "", ""]
    assert [row[0] for row in rows[3:]] == ["'" + t for t in DANGEROUS]
    assert all(row[1] == "-1" for row in rows[3:])  # numbers are not formulas


def test_xlsx_reads_back_with_text_as_text_and_numbers_as_numbers():
    rows = read_xlsx(write_xlsx(HEADERS, ROWS, sheet_name="Per kategori: [test]"))
    assert rows[0] == HEADERS
    assert rows[1] == ["Annet", 5, 0.5, datetime(2026, 3, 1), datetime(2026, 3, 1, 23, 30)]
    assert rows[2] == ["<5", None, None, None, None]
    assert [row[0] for row in rows[3:]] == ["'" + t for t in DANGEROUS]
    assert all(row[1] == -1 for row in rows[3:])


def test_csv_decimals_are_rounded_with_a_comma_and_shares_are_percentages():
    rows = read_csv(write_csv(["Dager", "Andel", "Hele"],
                              [[17.799999999999997, Share(0.8333333333), 3.0],
                               [-2.345678, Share(1.0), 0.1 + 0.2]]))
    assert rows[1:] == [["17,8", "83,3 %", "3"], ["-2,35", "100,0 %", "0,3"]]


def test_xlsx_rounds_decimals_and_formats_shares_as_percentages():
    content = write_xlsx(["Dager", "Andel"], [[17.799999999999997, Share(0.8333333333)]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    days, share = sheet["A2"], sheet["B2"]
    assert days.value == 17.8
    assert share.value == 0.833 and share.number_format == "0.0 %"


def test_the_lines_about_the_file_come_first_in_csv_and_on_their_own_sheet_in_xlsx():
    about = [("Filter", "Periode: 2026-01-01 – 2026-12-31"), ("Hentet av", "=Kari")]
    rows = read_csv(write_csv(["A"], [[1]], about=about))
    assert rows == [["Filter", "Periode: 2026-01-01 – 2026-12-31"], ["Hentet av", "'=Kari"],
                    [], ["A"], ["1"]]
    workbook = openpyxl.load_workbook(io.BytesIO(
        write_xlsx(["A"], [[1]], about=about, sheet_name="Per måned",
                   about_sheet="Om uttrekket")))
    assert workbook.sheetnames == ["Per måned", "Om uttrekket"]
    assert [list(r) for r in workbook["Om uttrekket"].iter_rows(values_only=True)] == [
        ["Filter", "Periode: 2026-01-01 – 2026-12-31"], ["Hentet av", "'=Kari"]]


def test_a_long_csv_comes_in_several_chunks():
    chunks = list(csv_chunks(["A"], ([f"rad {i}"] for i in range(20_000))))
    assert len(chunks) > 2
    assert len(read_csv(b"".join(chunks))) == 20_001


def test_xlsx_never_stores_a_formula():
    content = write_xlsx(["A"], [[t] for t in DANGEROUS])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row)


def test_the_sheet_name_is_made_acceptable_to_excel():
    workbook = openpyxl.load_workbook(io.BytesIO(write_xlsx(["A"], [], sheet_name="a/b" * 20)))
    assert workbook.sheetnames == [("a_b" * 20)[:31]]


@pytest.fixture
def identity_case(world):
    world.hospital.is_patient_identity_wanted = True
    moment = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)
    identity = PatientIdentityInput(name="Kari Testperson", national_id="151086 95088")
    report = create_draft(world.reporter, world.report_input(
        patient_identity=identity, description="=cmd|' /C calc'!A0"), now=moment)
    submit_report(world.reporter, report, now=moment)
    route_report(report, now=moment)
    return report


YEAR = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))


def test_case_lists_never_hold_the_patient_identity(world, identity_case):
    cases = case_list(world.hospital_coordinator, YEAR, include_free_text=True)
    for content in (write_csv(cases.headers, cases.rows),
                    write_xlsx(cases.headers, cases.rows)):
        flat = repr(read_csv(content) if content.startswith(b"\xef") else read_xlsx(content))
        assert "Kari" not in flat and "15108695088" not in flat and "151086" not in flat
    assert len(cases.rows) == 1


def test_free_text_only_when_the_caller_allows_it(world, identity_case):
    without = case_list(world.hospital_coordinator, YEAR, include_free_text=False)
    assert "Description" not in without.headers
    assert "=cmd" not in repr(without.rows)
    with_text = case_list(world.hospital_coordinator, YEAR, include_free_text=True)
    description = with_text.headers.index("Description")
    assert with_text.rows[0][description] == "=cmd|' /C calc'!A0"
    csv_rows = read_csv(write_csv(with_text.headers, with_text.rows))
    assert csv_rows[1][description] == "'=cmd|' /C calc'!A0"


def test_case_lists_show_labels_and_names(world, identity_case):
    cases = case_list(world.hospital_coordinator, YEAR, include_free_text=False)
    row = dict(zip(cases.headers, cases.rows[0], strict=True))
    assert row["Case number"] == identity_case.case_number
    assert row["Status"] == "Routed"
    assert row["Direction"] == "Municipality to hospital"
    assert row["Reporting organisation"] == "Testvik kommune"
    assert row["Responsible unit"] == "Medisinsk sengepost"
    assert row["Agreement"] == "5 Utskrivningsklare pasienter"
    assert row["Consequence"] == "Minor"
    assert row["Date of the event"] == date(2026, 11, 18)


def test_case_lists_hold_only_cases_the_viewer_may_open(world):
    make_case(world, event_date=date(2026, 3, 1))
    make_case(world, event_date=date(2026, 3, 2), receiving_unit=world.other_ward)
    secretariat = make_user("sekr", roles=[(Role.SECRETARIAT, world.clinic.parent)])
    assert len(case_list(world.admin, YEAR, include_free_text=False).rows) == 2
    assert len(case_list(world.ward_leader, YEAR, include_free_text=False).rows) == 1
    # aggregates only: the secretariat counts every case but may list none of them
    assert case_list(secretariat, YEAR, include_free_text=False).rows == []


def test_a_case_list_stops_at_its_limit_and_says_so(world):
    for day in (1, 2, 3):
        make_case(world, event_date=date(2026, 3, day))
    cases = case_list(world.admin, YEAR, include_free_text=False, max_rows=2)
    assert len(cases.rows) == 2 and cases.truncated
