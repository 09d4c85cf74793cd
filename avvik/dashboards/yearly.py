"""The yearly report for the joint committee: one calendar year on one printable page.

The year's counts per month; the trend over the last five years; answer performance,
overall and per organisation; the top categories; the run charts of the 24 months up to
the year's end with every signal found; feedback; measures and their evaluation. All of
it is the engine's tables, scoped to the viewer like the dashboards.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from avvik.dashboards import charts
from avvik.dashboards.services import (
    EvaluationView,
    Panel,
    RunChartView,
    evaluation_views,
    run_chart_views,
)
from avvik.stats.filters import YEARS, StatsFilter
from avvik.stats.services import SeriesSignal, new_batch, signals_of, table_of, tables_of
from avvik.users.models import User

#: Years of the trend table, the report's year included.
TREND_YEARS = 5
#: Categories the report lists (the export has them all).
TOP_CATEGORIES = 10
#: Months of the run charts, ending with the report's December.
RUN_CHART_MONTHS = 24

#: The sections with one table each, in the page's order.
YEAR_TABLES = ("per_month", "answer_performance", "answer_performance_by_organization",
               "by_category", "feedback", "measures", "measure_evaluations")


@dataclass
class YearlyReport:
    year: int
    filters: StatsFilter
    total: int
    shown_total: int | str = 0  #: as the viewer may see it (avvik.stats.suppression)
    panels: dict[str, Panel] = field(default_factory=dict)
    run_charts: list[RunChartView] = field(default_factory=list)
    signals: list[SeriesSignal] = field(default_factory=list)
    evaluations: list[EvaluationView] = field(default_factory=list)


def is_report_year(year: int) -> bool:
    return year in YEARS and year - TREND_YEARS + 1 in YEARS


def build_yearly_report(viewer: User, year: int, *, now: datetime | None = None,
                        today: date | None = None) -> YearlyReport:
    """The report of ``year`` (check ``is_report_year`` first) for ``viewer``."""
    filters = StatsFilter(date(year, 1, 1), date(year, 12, 31))
    trend = StatsFilter(date(year - TREND_YEARS + 1, 1, 1), date(year, 12, 31))
    span = StatsFilter(date(year - RUN_CHART_MONTHS // 12 + 1, 1, 1), date(year, 12, 31))
    # The trend's count per day also gives the year's months and the run charts' ones.
    five_years = new_batch(["per_year"], viewer, trend, now)
    trend_table = table_of(five_years, "per_year")
    year_batch = five_years.narrowed(filters, YEAR_TABLES)
    total, tables = tables_of(year_batch)
    report = YearlyReport(year, filters, total, year_batch.shown_total() if total else 0)
    report.panels["per_year"] = Panel(trend_table, charts.chart_for(trend_table))
    if report.total == 0:
        return report
    for name, table in tables.items():
        if name == "by_category":  # the top ones; the export link gives them all
            table = replace(table, rows=table.rows[:TOP_CATEGORIES])
        report.panels[name] = Panel(table, charts.chart_for(table))
    months = table_of(five_years.narrowed(span, ["per_month"]), "per_month")
    report.run_charts = run_chart_views(months, today=today)
    report.signals = signals_of({v.series: v.chart for v in report.run_charts},
                                current_only=False)
    report.evaluations = evaluation_views(report.panels["measure_evaluations"].table)
    return report
