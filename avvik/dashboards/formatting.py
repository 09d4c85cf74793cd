"""How a table's cells read on the page, in the reader's language.

Shares as percentages, working days with one decimal, counts with the locale's grouping,
"<5" as it is, an empty cell as a dash. The exports and the API keep the raw values.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import lazy_gettext as _l

from avvik.core.i18n import formatting_locale
from avvik.stats.tables import Column, Table

#: Columns of ids and codes: for exports and the API, not for readers.
HIDDEN_COLUMNS = frozenset({"key", "organization_id", "unit_id", "measure_id"})
PERIOD_WORDS = {"before": _l("Before"), "after": _l("After")}
DASH = "–"


def shown_columns(table: Table) -> list[Column]:
    return [c for c in table.columns if c.key not in HIDDEN_COLUMNS]


def cell_text(value: Any, key: str = "") -> str:
    """One cell as text for the page's table."""
    if value is None:
        return DASH
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, str):
        return str(PERIOD_WORDS.get(value, value)) if key == "period" else value
    if isinstance(value, datetime | date):
        return format_date(value, locale=formatting_locale())
    if key == "year" or key == "level":
        return str(value)
    if "share" in key:
        # The locale's own percent pattern ("83.3%", "83,3 %"), with one decimal.
        pattern = get_locale().percent_formats[None].pattern.replace("0", "0.0", 1)
        return format_percent(value, pattern)
    if isinstance(value, float):
        return format_decimal(value, "#,##0.#")
    return format_decimal(value)


def is_numeric(value: Any) -> bool:
    """Right-aligned in the table: numbers and hidden counts."""
    return value in ("<5", ":") or (isinstance(value, int | float) and not isinstance(value, bool))


def row_cells(table: Table, record: dict[str, Any]) -> list[tuple[str, bool, str]]:
    """A row's shown cells as (text, is numeric, column key: the key of the cell's link,
    avvik.dashboards.drilldown). In a table of key figures the row's key says what its
    value is (a share, days, a count)."""
    out = []
    for column in shown_columns(table):
        value = record[column.key]
        key = str(record.get("key", "")) if column.key == "value" else column.key
        # An empty cell sits where a number would: aligned with them.
        out.append((cell_text(value, key), value is None or is_numeric(value), column.key))
    return out
