"""CSV and XLSX files of any table: an aggregate or a de-identified case list.

Every text cell that a spreadsheet could take for a formula - one beginning with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return - gets a leading single quote (OWASP's
advice against CSV injection), and XLSX text is written with ``write_string`` so that
nothing is ever stored as a formula. Numbers stay numbers: a count of -1 cannot be a
formula. Moments are written as Oslo local time.

CSV: UTF-8 with a byte-order mark and ";" between fields, decimals with a comma and
shares as "83,3 %", which is what Excel with Norwegian settings opens directly (it reads
"," as the decimal comma and would put a comma-separated row into one column).
XLSX: shares are fractions shown with the percent format, decimals are rounded.

Both take ``about``: lines that say what the file holds (avvik.stats.export_info), as
the first rows of a CSV file or a sheet of their own after the table's.
Both are generators of chunks, so a long case list is sent while it is read: the CSV row
by row, the XLSX written in XlsxWriter's constant-memory mode to a temporary file.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from avvik.core.timeutil import to_oslo


class Share(float):
    """A share as a fraction (0.833 is 83.3 %): a percentage in the file."""


Cell = str | int | float | date | datetime | None
#: A line that says what the file holds: (label, text).
Line = tuple[str, str]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
#: Excel's limit on a sheet name's length.
SHEET_NAME_MAX = 31
#: Decimals kept of a number that is not a whole one (working days), and of a share in
#: percent: enough for a reader, without float noise such as 17.799999999999997.
DECIMALS = 2
SHARE_DECIMALS = 1
#: Bytes gathered before a chunk is sent.
CHUNK = 64 * 1024
BOM = "\ufeff"


def escape_text(text: str) -> str:
    """The text, with a leading quote when a spreadsheet could read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def decimal_text(value: float) -> str:
    """A decimal number rounded, with the Norwegian decimal comma: "17,8"."""
    rounded = round(value, DECIMALS)
    return str(int(rounded) if rounded.is_integer() else rounded).replace(".", ",")


def plain_cell(value: Cell) -> str | int:
    """A cell as CSV writes it: text escaped, moments in Oslo time, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Share):
        return f"{round(value * 100, SHARE_DECIMALS):.{SHARE_DECIMALS}f} %".replace(".", ",")
    if isinstance(value, float):
        return decimal_text(value)
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return to_oslo(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return escape_text(str(value))


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
               about: Sequence[Line] = (), delimiter: str = CSV_DELIMITER) -> Iterator[bytes]:
    """The table as CSV (UTF-8 with BOM): the ``about`` lines and an empty row, the
    headers, then the rows, every cell escaped; sent in chunks as the rows come."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for label, text in about:
        writer.writerow([escape_text(label), escape_text(text)])
    if about:
        writer.writerow([])
    writer.writerow([plain_cell(h) for h in headers])
    for row in rows:
        writer.writerow([plain_cell(cell) for cell in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
              about: Sequence[Line] = (), delimiter: str = CSV_DELIMITER) -> bytes:
    """The whole of ``csv_chunks`` as bytes."""
    return b"".join(csv_chunks(headers, rows, about=about, delimiter=delimiter))


def xlsx_chunks(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
                sheet_name: str = "Avvik", about: Sequence[Line] = (),
                about_sheet: str = "Info") -> Iterator[bytes]:
    """The table as an XLSX workbook: its sheet (headers in bold on the first row) and,
    with ``about``, a second sheet of those lines; sent in chunks once written.

    Constant-memory mode keeps one row in memory at a time and writes the rest to
    temporary files, so that a long case list costs time, not memory.
    """
    with tempfile.TemporaryFile() as output:
        # strings_to_formulas off is belt and braces, since every text goes through
        # write_string anyway.
        workbook = xlsxwriter.Workbook(output, {
            "constant_memory": True, "strings_to_formulas": False,
            "strings_to_numbers": False, "strings_to_urls": False})
        formats = _Formats(workbook)
        sheet = workbook.add_worksheet(_sheet_name(sheet_name))
        for col, header in enumerate(headers):
            sheet.write_string(0, col, escape_text(str(header)), formats.bold)
        for row_index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                _write_cell(sheet, row_index, col, value, formats)
        sheet.freeze_panes(1, 0)
        if about:
            info = workbook.add_worksheet(_sheet_name(about_sheet))
            info.set_column(0, 0, 20)
            info.set_column(1, 1, 100)
            for row_index, (label, text) in enumerate(about):
                info.write_string(row_index, 0, escape_text(label), formats.bold)
                info.write_string(row_index, 1, escape_text(text))
        workbook.close()
        output.seek(0)
        while chunk := output.read(CHUNK):
            yield chunk


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
               sheet_name: str = "Avvik", about: Sequence[Line] = (),
               about_sheet: str = "Info") -> bytes:
    """The whole of ``xlsx_chunks`` as bytes."""
    return b"".join(xlsx_chunks(headers, rows, sheet_name=sheet_name, about=about,
                                about_sheet=about_sheet))


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.bold = workbook.add_format({"bold": True})
        self.day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.share = workbook.add_format({"num_format": "0.0 %"})
        self.decimal = workbook.add_format({"num_format": "0.0#"})


def _write_cell(sheet: Worksheet, row: int, col: int, value: Cell,
                formats: _Formats) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_number(row, col, int(value))
    elif isinstance(value, Share):
        sheet.write_number(row, col, round(value, SHARE_DECIMALS + 2), formats.share)
    elif isinstance(value, float):
        sheet.write_number(row, col, round(value, DECIMALS), formats.decimal)
    elif isinstance(value, int):
        sheet.write_number(row, col, value)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, to_oslo(value).replace(tzinfo=None), formats.moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, formats.day)
    else:
        sheet.write_string(row, col, escape_text(str(value)))


def _sheet_name(name: str) -> str:
    # Excel refuses these characters in a sheet name.
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")
    return (cleaned or "Avvik")[:SHEET_NAME_MAX]
