"""The dashboards' one-stop API for views, the JSON API and the yearly report.

Each function checks that the viewer has dashboards at all (PermissionDenied otherwise);
what they count is then limited by avvik.stats.scope. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from avvik.core.errors import NotFound, PermissionDenied
from avvik.core.timeutil import oslo_today, to_oslo
from avvik.reports.models import Direction
from avvik.stats import anhoej, export_info, exports, queries, tables
from avvik.stats.batch import Batch
from avvik.stats.filters import StatsFilter
from avvik.stats.labels import PERIOD_LABELS, direction_label
from avvik.stats.scope import may_view_stats
from avvik.stats.suppression import is_hidden
from avvik.stats.tables import TABLES, Table
from avvik.users.models import User

#: Export format -> (MIME type, file extension).
FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
#: The monthly series a run chart can be drawn for: the total, or one direction.
SERIES = ("total", *(d.value for d in Direction))


def require_stats_viewer(viewer: User) -> None:
    if not may_view_stats(viewer):
        raise PermissionDenied()


def table_names() -> list[str]:
    return list(TABLES)


def build_table(name: str, viewer: User, filters: StatsFilter,
                now: datetime | None = None) -> Table:
    """The aggregate ``name`` (see ``table_names()``) for ``viewer``; NotFound if unknown."""
    require_stats_viewer(viewer)
    if name not in TABLES:
        raise NotFound()
    return tables.build(Batch(viewer, filters, (name,), now), name)


def build_tables(names: Iterable[str], viewer: User, filters: StatsFilter,
                 now: datetime | None = None) -> tuple[int, dict[str, Table]]:
    """The selection's total and the tables ``names`` for one page, each query the
    tables share asked once (avvik.stats.batch). No table when the total is 0."""
    return tables_of(new_batch(names, viewer, filters, now))


def new_batch(names: Iterable[str], viewer: User, filters: StatsFilter,
              now: datetime | None = None) -> Batch:
    """The queries of the tables ``names`` for ``viewer``, to build them with
    ``tables_of`` (or to narrow: ``Batch.narrowed``); NotFound for an unknown name."""
    require_stats_viewer(viewer)
    names = list(names)
    if any(name not in TABLES for name in names):
        raise NotFound()
    return Batch(viewer, filters, names, now)


def tables_of(batch: Batch) -> tuple[int, dict[str, Table]]:
    """A batch's total and its tables (none when the total is 0)."""
    total = batch.total()
    return total, {name: tables.build(batch, name) for name in batch.names} if total else {}


def table_of(batch: Batch, name: str) -> Table:
    """One of a batch's tables, whatever its total."""
    return tables.build(batch, name)


@dataclass(frozen=True)
class Export:
    #: The file in chunks (a generator: the case list is sent while it is read).
    content: Iterable[bytes]
    mimetype: str
    filename: str


def export_table(table: Table, fmt: str, viewer: User, filters: StatsFilter,
                 moment: datetime) -> Export:
    """A table as a CSV or XLSX download, with the lines that say its filter, when it
    was taken (``moment``, Oslo time) and by whom; NotFound for another format."""
    mimetype, extension = _format(fmt)
    about = export_info.about_lines(table.title, filters, viewer, to_oslo(moment))
    kept = _exported_columns(table)
    headers = [table.headers[i] for i in kept]
    rows = [[cells[i] for i in kept] for cells in (_export_row(table, row)
                                                   for row in table.rows)]
    if fmt == "csv":
        content = exports.csv_chunks(headers, rows, about=about)
    else:
        content = exports.xlsx_chunks(headers, rows, about=about,
                                      sheet_name=export_info.sheet_name(table.name),
                                      about_sheet=str(export_info.ABOUT_SHEET))
    return Export(content, mimetype, _filename(table.name, table.filters, extension))


def export_case_list(viewer: User, filters: StatsFilter, fmt: str, moment: datetime, *,
                     include_free_text: bool) -> Export:
    """The de-identified list of the cases ``viewer`` may open, as CSV or XLSX, read and
    written as it is sent (bounded memory, whatever the number of cases).

    ``include_free_text``: whether the viewer's role may read the cases' free text; the
    caller decides (the statistics know nothing of the reading rules).
    """
    require_stats_viewer(viewer)
    mimetype, extension = _format(fmt)
    headers, rows = queries.case_rows(viewer, filters, include_free_text=include_free_text)
    about = export_info.about_lines(str(_l("Cases")), filters, viewer, to_oslo(moment),
                                    case_list=True)
    if fmt == "csv":
        content = exports.csv_chunks(headers, rows, about=about)
    else:
        content = exports.xlsx_chunks(headers, rows, about=about,
                                      sheet_name=export_info.sheet_name("cases"),
                                      about_sheet=str(export_info.ABOUT_SHEET))
    return Export(content, mimetype, _filename("cases", filters.to_dict(), extension))


def _exported_columns(table: Table) -> list[int]:
    """The columns a file shows: all but a column of codes (a key figure's "acknowledged",
    a consequence's "death"), which would put English words in a bokmål sheet beside the
    label that says the same; numeric ids stay, for joining with other files. The API
    keeps the codes."""
    return [i for i, column in enumerate(table.columns)
            if column.key != "key" or not any(isinstance(row[i], str) for row in table.rows)]


def _export_row(table: Table, row: list[tables.Cell]) -> list[exports.Cell]:
    """A row as the file shows it: shares marked as such (in a table of key figures the
    row's key says so), "before" and "after" in the reader's words."""
    key = str(row[0]) if table.columns[0].key == "key" else ""
    out: list[exports.Cell] = []
    for column, value in zip(table.columns, row, strict=True):
        what = key if column.key == "value" else column.key
        if isinstance(value, float) and "share" in what:
            value = exports.Share(value)
        elif column.key == "period" and value in PERIOD_LABELS:
            value = str(PERIOD_LABELS[value])
        out.append(value)
    return out


def run_chart(viewer: User, filters: StatsFilter, series: str = "total", *,
              today: date | None = None) -> anhoej.RunChart:
    """The monthly run chart of ``series`` ("total" or a direction) with Anhøj's rules.

    Only months that have ended count: the month in progress would look like a drop.
    """
    require_stats_viewer(viewer)
    if series not in SERIES:
        raise NotFound()
    today = today or oslo_today()
    months = [m for m in queries.counts_per_month(viewer, filters)
              if m.period < today.replace(day=1)]
    values = [m.total if series == "total" else m.by_direction[Direction(series)]
              for m in months]
    return anhoej.analyse(values, [m.period for m in months])


@dataclass(frozen=True)
class SeriesSignal:
    series: str  #: "total" or a direction
    series_label: str
    signal: anhoej.Signal


def current_signals(viewer: User, filters: StatsFilter, *,
                    today: date | None = None) -> list[SeriesSignal]:
    """The signals still going on, for the dashboard's front: total, then each direction."""
    found = []
    for series in SERIES:
        chart = run_chart(viewer, filters, series, today=today)
        label = str(_l("All cases")) if series == "total" else direction_label(series)
        found += [SeriesSignal(series, label, s) for s in chart.current_signals]
    return found


def run_charts_of(per_month: Table, *, today: date | None = None
                  ) -> dict[str, anhoej.RunChart]:
    """Every series' run chart (see ``run_chart``) from a ``per_month`` table already
    built, so that a page showing both asks the database once."""
    today = today or oslo_today()
    records = [r for r in per_month.records()
               if date.fromisoformat(f"{r['month']}-01") < today.replace(day=1)]
    months = [date.fromisoformat(f"{r['month']}-01") for r in records]
    # A series with a hidden month has no chart: its median and runs would give it back.
    return {series: anhoej.analyse([float(r[series]) for r in records], months)  # type: ignore[arg-type]
            for series in SERIES if not any(is_hidden(r[series]) for r in records)}


def signals_of(charts: dict[str, anhoej.RunChart], *, current_only: bool = True
               ) -> list[SeriesSignal]:
    """The signals of ``run_charts_of``'s charts: those still going on, or all of them."""
    found = []
    for series, chart in charts.items():
        label = str(_l("All cases")) if series == "total" else direction_label(series)
        signals = chart.current_signals if current_only else chart.signals
        found += [SeriesSignal(series, label, s) for s in signals]
    return found


def _format(fmt: str) -> tuple[str, str]:
    if fmt not in FORMATS:
        raise NotFound()
    return FORMATS[fmt]


def _filename(name: str, filters: dict[str, str], extension: str) -> str:
    return f"avvik-{name}-{filters.get('from', '')}-{filters.get('to', '')}.{extension}"
