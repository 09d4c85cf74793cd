"""From a figure of the dashboards to the cases it counts: the case list (``/reports/``)
with the same filter.

A figure counts the counted cases (sent, not withdrawn: avvik.stats.queries.base) of the
viewer's statistics scope that match the filter, narrowed to its row or cell: a month, a
direction, a category, a unit... Its link asks the list for exactly that: every case the
viewer may see (``view=all``) in the statuses counted, within the statistics' scope
(``counted=1``), with the filter and the row's own condition. The two agree when the
viewer may open every case of the selection, which is also when the small-count rule shows
every figure exactly (avvik.stats.suppression): only then are figures links
(``DashboardPage.drill``). A hidden count is never a link, a zero is not either, and no
one is led to a list shorter than the figure they clicked.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import url_for

from avvik.reports.models import Direction, ReportStatus
from avvik.reports.queries import OPEN_STATUSES
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.base import NOT_COUNTED
from avvik.stats.tables import Table

#: The list's statuses for the cases a figure counts, and for those still open.
COUNTED = [s.value for s in ReportStatus if s not in NOT_COUNTED]
OPEN = [s.value for s in OPEN_STATUSES]
#: The dashboard filter's field -> the case list's query key.
LIST_KEYS = {"organization_id": "organization", "unit_id": "unit",
             "agreement_id": "agreement", "transition_id": "transition",
             "category_id": "category", "direction": "direction",
             "consequence": "consequence", "potential_consequence": "potential_consequence"}

Query = dict[str, Any]
#: A row's links: "" for the row (its first cell), a column's key for that cell (a chart's
#: bar or point of that column).
RowLinks = dict[str, str]


def list_query(filters: StatsFilter, **narrower: Any) -> Query:
    """The case list's query string (as a dict) for the cases ``filters`` counts, narrowed
    by ``narrower`` (list keys: ``date_from``, ``category``, ``status``...)."""
    query: Query = {"view": "all", "counted": "1", "status": COUNTED,
                    "date_from": filters.period_from.isoformat(),
                    "date_to": filters.period_to.isoformat()}
    for field, key in LIST_KEYS.items():
        value = getattr(filters, field)
        if value is not None:
            query[key] = str(value)
    query.update(narrower)
    return query


def case_list_url(query: Query) -> str:
    return f"{url_for('reports.index')}?{urlencode(query, doseq=True)}"


def month_query(filters: StatsFilter, month: date, direction: str | None = None) -> Query:
    """A month of the period (its part within the period), all directions or one."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    narrower = _days(filters, month.replace(day=1), last)
    if direction:
        narrower["direction"] = direction
    return list_query(filters, **narrower)


def _days(filters: StatsFilter, first: date, last: date) -> Query:
    return {"date_from": max(first, filters.period_from).isoformat(),
            "date_to": min(last, filters.period_to).isoformat()}


def _per_period(period_of: Callable[[Any], tuple[date, date]]
                ) -> Callable[[StatsFilter, dict[str, Any]], dict[str, Query]]:
    def build(filters: StatsFilter, record: dict[str, Any]) -> dict[str, Query]:
        days = _days(filters, *period_of(record))
        whole = list_query(filters, **days)
        cells = {d.value: list_query(filters, **days, direction=d.value) for d in Direction}
        return {"": whole, "total": whole, **cells}
    return build


def _month_of(record: dict[str, Any]) -> tuple[date, date]:
    year, month = (int(part) for part in str(record["month"]).split("-"))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _year_of(record: dict[str, Any]) -> tuple[date, date]:
    year = int(record["year"])
    return date(year, 1, 1), date(year, 12, 31)


def _breakdown(key: str) -> Callable[[StatsFilter, dict[str, Any]], dict[str, Query]]:
    def build(filters: StatsFilter, record: dict[str, Any]) -> dict[str, Query]:
        if record["key"] is None:  # "no unit": the list has no such filter
            return {}
        query = list_query(filters, **{key: str(record["key"])})
        return {"": query, "count": query}
    return build


def _open_per_unit(filters: StatsFilter, record: dict[str, Any]) -> dict[str, Query]:
    if record["unit_id"] is None:
        return {}
    query = list_query(filters, responsible_unit=str(record["unit_id"]), status=OPEN)
    return {"": query, "open": query, "overdue": {**query, "overdue": "y"}}


def _escalations(filters: StatsFilter, record: dict[str, Any]) -> dict[str, Query]:
    query = list_query(filters, escalation=str(record["level"]))
    return {"": query, "count": query}


def _key_figures(queries: dict[str, Callable[[StatsFilter], Query]]
                 ) -> Callable[[StatsFilter, dict[str, Any]], dict[str, Query]]:
    """A table of key figures: the rows whose cases the list can show exactly (the
    others, such as a share or a count the list has no filter for, have no link)."""
    def build(filters: StatsFilter, record: dict[str, Any]) -> dict[str, Query]:
        if record["key"] not in queries:
            return {}
        query = queries[record["key"]](filters)
        return {"": query, "value": query}
    return build


#: Table -> (its rows' queries, the column whose count the row's own link opens).
BUILDERS: dict[str, tuple[Callable[[StatsFilter, dict[str, Any]], dict[str, Query]], str]] = {
    "per_month": (_per_period(_month_of), "total"),
    "per_year": (_per_period(_year_of), "total"),
    "by_agreement": (_breakdown("agreement"), "count"),
    "by_transition": (_breakdown("transition"), "count"),
    "by_category": (_breakdown("category"), "count"),
    "by_reporting_organization": (_breakdown("reporting_organization"), "count"),
    "by_receiving_organization": (_breakdown("receiving_organization"), "count"),
    "by_unit": (_breakdown("responsible_unit"), "count"),
    "by_consequence": (_breakdown("consequence"), "count"),
    "by_potential_consequence": (_breakdown("potential_consequence"), "count"),
    "open_per_unit": (_open_per_unit, "open"),
    "escalations": (_escalations, "count"),
    "serious_events": (_key_figures(
        {"serious": lambda filters: list_query(filters, serious="y")}), "value"),
}


def row_links(table: Table, filters: StatsFilter) -> list[RowLinks]:
    """One dict of links per row of ``table`` (empty for a table with none): a link
    only where its count is a whole number above 0."""
    if table.name not in BUILDERS:
        return []
    build, row_count = BUILDERS[table.name]
    out = []
    for record in table.records():
        links = {}
        for key, query in build(filters, record).items():
            count = record.get(row_count if key == "" else key)
            if isinstance(count, int) and not isinstance(count, bool) and count > 0:
                links[key] = case_list_url(query)
        out.append(links)
    return out
