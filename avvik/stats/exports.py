"""CSV and XLSX files of any table: an aggregate or a de-identified case list.

Every text cell that a spreadsheet could take for a formula - one beginning with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return - gets a leading single quote (OWASP's
advice against CSV injection), and XLSX text is written with ``write_string`` so that
nothing is ever stored as a formula. Numbers stay numbers: a count of -1 cannot be a
formula. Moments are written as Oslo local time.

CSV: UTF-8 with a byte-order mark and ";" between fields, which is what Excel with
Norwegian settings opens directly (it reads "," as the decimal comma's neighbour and
would put a comma-separated row into one column).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from avvik.core.timeutil import to_oslo

Cell = str | int | float | date | datetime | None

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
#: Excel's limit on a sheet name's length.
SHEET_NAME_MAX = 31


def escape_text(text: str) -> str:
    """The text, with a leading quote when a spreadsheet could read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def plain_cell(value: Cell) -> str | int | float:
    """A cell as CSV writes it: text escaped, moments in Oslo time, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return to_oslo(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return escape_text(str(value))


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
              delimiter: str = CSV_DELIMITER) -> bytes:
    """The table as CSV bytes (UTF-8 with BOM), headers first, every cell escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([plain_cell(h) for h in headers])
    writer.writerows([plain_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
               sheet_name: str = "Avvik") -> bytes:
    """The table as an XLSX workbook of one sheet, headers in bold on the first row."""
    buffer = io.BytesIO()
    # in_memory: no temporary files; strings_to_formulas off is belt and braces, since
    # every text goes through write_string anyway.
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False,
                                            "strings_to_urls": False})
    sheet = workbook.add_worksheet(_sheet_name(sheet_name))
    bold = workbook.add_format({"bold": True})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, escape_text(str(header)), bold)
    for row_index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            _write_cell(sheet, row_index, col, value, day, moment)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def _write_cell(sheet: Worksheet, row: int, col: int, value: Cell, day: Format,
                moment: Format) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_number(row, col, int(value))
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, to_oslo(value).replace(tzinfo=None), moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, day)
    else:
        sheet.write_string(row, col, escape_text(str(value)))


def _sheet_name(name: str) -> str:
    # Excel refuses these characters in a sheet name.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")
    return (cleaned or "Avvik")[:SHEET_NAME_MAX]
