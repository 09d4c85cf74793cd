"""Glue between the statistics engine (avvik.stats) and the dashboard pages.

Every page builds its tables together (``build_tables``), so that the tables counting the
same cases share one query (avvik.stats.batch), and the run charts come from the monthly
table already built (``run_charts_of``): a page asks the database the same few questions
whatever the number of cases, organisations or units.

Who gets what (the engine scopes the numbers; avvik.stats.scope):
- every viewer with dashboards (``may_view_stats``) gets the aggregate pages and their
  CSV/XLSX/JSON, small counts hidden unless the viewer may open every case counted
  (avvik.stats.suppression);
- the de-identified case list goes to those who may open cases one by one
  (administrators, leaders, coordinators, quality advisers and the secretariat;
  ``may_list_cases``): it lists only the cases they may open (avvik.reports.scope), so
  the secretariat's holds the cases it reads (those on its committee's agenda, unless
  ``SECRETARIAT_READS`` is "community"), not every case it counts.
- the free text of those cases (description, measures, answer) is in the list for
  administrators, the organisation's coordinators and quality advisers, and the
  secretariat, who follow up cross-level cases as their job (``may_read_free_text``).
  Leaders get the coded fields and open a case to read its text: a bulk export of free
  text is a larger exposure than reading one case.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from avvik.core.timeutil import oslo_today
from avvik.dashboards import charts, drilldown, svg
from avvik.measures.evaluation import MIN_AFTER
from avvik.stats import anhoej
from avvik.stats.anhoej import RunChart
from avvik.stats.filters import StatsFilter
from avvik.stats.services import SeriesSignal, new_batch, run_charts_of, signals_of, tables_of
from avvik.stats.tables import Table
from avvik.users.models import Role, User

#: The dashboard's pages and the tables each shows, in order.
SECTIONS: dict[str, tuple[str, ...]] = {
    "overview": ("per_month", "per_year", "events"),
    "breakdowns": ("by_category", "by_agreement", "by_transition",
                   "by_reporting_organization", "by_receiving_organization", "by_unit",
                   "by_consequence", "by_potential_consequence"),
    "performance": ("answer_performance", "answer_performance_by_organization",
                    "open_per_unit", "escalations", "feedback", "serious_events"),
    "measures": ("measures", "measure_evaluations"),
}


def may_list_cases(user: User) -> bool:
    """Whether ``user`` gets the de-identified case list (see the module docstring)."""
    return bool(user.is_admin or user.has_role(
        Role.LEADER, Role.COORDINATOR, Role.QUALITY_ADVISER, Role.SECRETARIAT))


def may_read_free_text(user: User) -> bool:
    """Whether the case list holds the cases' free text for ``user``."""
    return bool(user.is_admin or user.has_role(
        Role.COORDINATOR, Role.QUALITY_ADVISER, Role.SECRETARIAT))


@dataclass(frozen=True)
class Panel:
    """One table on a page, with its chart (None for key figures)."""

    table: Table
    chart: dict[str, Any] | None
    #: Per row, the case lists of its figures (drilldown.row_links); empty: no links.
    links: list[dict[str, str]] = field(default_factory=list)
    #: The label of its row whose period (the current month or year) has not ended.
    unfinished: str = ""


@dataclass(frozen=True)
class RunChartView:
    series: str
    label: str
    chart: RunChart
    months: list[str]  #: "YYYY-MM", one per point
    spec: dict[str, Any]


@dataclass(frozen=True)
class EvaluationView:
    """One measure's evaluation as shown (avvik.measures.evaluation), from the protected
    table: where a count is hidden, so is what is worked out from it (its rate, the
    medians and the rules' verdict)."""

    measure_id: int
    title: str
    start_date: date
    rows: list[dict[str, Any]]
    svg: Markup  #: the run chart, drawn on the server
    uses_rates: bool  #: per 100 discharges (else cases per month)
    hidden: bool  #: a count is hidden: no medians, no verdict
    median_before: float | None = None
    median_after: float | None = None
    chart: RunChart | None = None  #: the months after against the median before


@dataclass
class DashboardPage:
    section: str
    filters: StatsFilter
    total: int  #: cases in the selection; 0: the page says "no cases"
    shown_total: int | str = 0  #: as the viewer may see it ("<5": avvik.stats.suppression)
    panels: dict[str, Panel] = field(default_factory=dict)
    run_charts: list[RunChartView] = field(default_factory=list)
    signals: list[SeriesSignal] = field(default_factory=list)
    evaluations: list[EvaluationView] = field(default_factory=list)
    #: Whether figures lead to their cases: the viewer may open every case counted.
    drill: bool = False
    #: The current month ("YYYY-MM") and year, which have not ended: their figures grow.
    unfinished_month: str = ""
    unfinished_year: str = ""


def build_dashboard(viewer: User, filters: StatsFilter, section: str, *,
                    now: datetime | None = None, today: date | None = None
                    ) -> DashboardPage:
    """The numbers of one dashboard page for ``viewer`` (PermissionDenied without
    dashboards). Nothing else is built when the selection holds no case."""
    batch = new_batch(SECTIONS[section], viewer, filters, now)
    total, tables = tables_of(batch)
    page = DashboardPage(section, filters, total, batch.shown_total() if total else 0)
    if page.total == 0:
        return page
    # "Now" is the request's (the tests' clock moves it), never read twice.
    today = today or oslo_today(now)
    page.unfinished_month, page.unfinished_year = f"{today:%Y-%m}", str(today.year)
    page.drill = batch.exact()  # asked once a batch already: the tables needed it
    for name, table in tables.items():
        links = drilldown.row_links(table, filters) if page.drill else []
        current = _unfinished_row(table, page)
        page.panels[name] = Panel(table, charts.chart_for(
            table, links, (lambda label, current=current: str(label) == current)
            if current else None), links, current)
    if "per_month" in page.panels:
        page.run_charts = run_chart_views(page.panels["per_month"].table, today=today,
                                          filters=filters if page.drill else None)
        page.signals = signals_of({v.series: v.chart for v in page.run_charts})
    if "measure_evaluations" in page.panels:
        page.evaluations = evaluation_views(page.panels["measure_evaluations"].table)
    return page


def _unfinished_row(table: Table, page: DashboardPage) -> str:
    """The label of the table's row for the current month or year, if it has one."""
    current = {"per_month": page.unfinished_month,
               "per_year": page.unfinished_year}.get(table.name)
    first = table.columns[0].key
    return current if current and any(str(r[first]) == current for r in table.records()) \
        else ""


def run_chart_views(per_month: Table, *, today: date | None = None,
                    filters: StatsFilter | None = None) -> list[RunChartView]:
    """The run chart of every series (total, then each direction) of a monthly table;
    with ``filters``, each point leads to its cases (drilldown)."""
    labels = {c.key: c.label for c in per_month.columns}
    views = []
    for series, chart in run_charts_of(per_month, today=today).items():
        months = [f"{m:%Y-%m}" for m in chart.labels]  # type: ignore[str-format]
        label = _("All cases") if series == "total" else labels[series]
        links = None if filters is None else [
            drilldown.case_list_url(drilldown.month_query(
                filters, month, None if series == "total" else series))  # type: ignore[arg-type]
            if isinstance(value, int) and value > 0 else None
            for month, value in zip(chart.labels, chart.values, strict=True)]
        views.append(RunChartView(series, label, chart, months,
                                  charts.run_chart(chart, months, links)))
    return views


def evaluation_views(table: Table) -> list[EvaluationView]:
    """The ``measure_evaluations`` table regrouped: one view (table and chart) a measure."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for record in table.records():
        grouped.setdefault(record["measure_id"], []).append(record)  # type: ignore[arg-type]
    return [_evaluation_view(measure_id, rows) for measure_id, rows in grouped.items()]


def _evaluation_view(measure_id: int, rows: list[dict[str, Any]]) -> EvaluationView:
    before = [r for r in rows if r["period"] == "before"]
    after = [r for r in rows if r["period"] == "after"]
    hidden = any(not isinstance(r["count"], int) for r in rows)
    uses_rates = bool(before) and all(r["rate"] is not None for r in rows)
    key = "rate" if uses_rates else "count"
    values = [None if hidden and not isinstance(r["count"], int) else float(r[key])
              for r in rows]
    title = rows[0]["title"]
    view = EvaluationView(measure_id, title, rows[0]["start_date"], rows, Markup(""),
                          uses_rates, hidden)
    median_before = median_after = chart = None
    if not hidden and before:
        median_before = statistics.median(values[:len(before)])
        median_after = statistics.median(values[len(before):]) if after else None
        chart = anhoej.analyse(values[len(before):], [_month(r["month"]) for r in after],
                               centre=median_before, min_useful=MIN_AFTER)
    marked = [False] * len(before) + (charts.marked_points(chart) if chart else
                                      [False] * len(after))
    drawn = svg.run_chart_svg(values, [r["month"] for r in rows], median=median_before,
                              title=title, marked=marked, split=len(before) or None)
    return replace(view, svg=drawn, median_before=median_before, median_after=median_after,
                   chart=chart)


def _month(text: str) -> date:
    return date(int(text[:4]), int(text[5:7]), 1)
