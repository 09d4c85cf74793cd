"""The yearly report for the joint committee, built once as data and shown both as a web
page and as a PDF made on the server (avvik/dashboards/yearly_pdf.py).

What it holds: a one-page summary; the year against the year before and the five-year
trend; cases per month; run charts that start at the first month with data (months
before any case are no months with zero cases) with every signal found; sections per
agreement, transition and organisation; answer performance and feedback; escalations
and the committee's conclusions; the measures that started in the year and their
evaluation (avvik.measures.evaluation). Every figure is the engine's protected table
(avvik.stats.suppression), scoped to the viewer like the dashboards, and optionally
limited to one municipality or one hospital division (``Scope``). The current year is
marked incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import func, select

from avvik.committee.models import AgendaItem, Meeting
from avvik.core.db import run
from avvik.core.timeutil import OSLO, oslo_today
from avvik.dashboards import charts, svg
from avvik.dashboards.services import (
    EvaluationView,
    Panel,
    RunChartView,
    evaluation_views,
    may_read_free_text,
    run_chart_views,
)
from avvik.extensions import db
from avvik.measures.evaluation import first_case_date
from avvik.organizations.models import Organization, OrganizationKind, Unit
from avvik.reports.models import Report
from avvik.stats.batch import Batch
from avvik.stats.filters import YEARS, StatsFilter
from avvik.stats.queries.base import condition
from avvik.stats.services import SeriesSignal, new_batch, signals_of, table_of, tables_of
from avvik.stats.suppression import HIDDEN, is_small
from avvik.stats.tables import Table
from avvik.users.models import User

#: Years of the trend table, the report's year included.
TREND_YEARS = 5
#: Categories the report lists (the export has them all).
TOP_CATEGORIES = 10
#: Rows of the per-organisation sections (the export has them all).
TOP_ROWS = 15
#: Measures whose evaluation is drawn (those with a signal first, then by start date);
#: the table above the charts lists every one, the export has their months.
MAX_MEASURE_CHARTS = 12
#: Months of the run charts, ending with the report's December.
RUN_CHART_MONTHS = 24

#: The sections with one table each.
YEAR_TABLES = ("per_month", "answer_performance", "answer_performance_by_organization",
               "by_category", "by_agreement", "by_transition", "by_reporting_organization",
               "by_receiving_organization", "escalations", "feedback", "measures",
               "measures_started")
SHORTENED = {"by_category": TOP_CATEGORIES, "by_reporting_organization": TOP_ROWS,
             "by_receiving_organization": TOP_ROWS, "answer_performance_by_organization":
             TOP_ROWS}


@dataclass(frozen=True)
class Scope:
    """One municipality (an organisation) or one hospital division (a unit), or all."""

    organization_id: int | None = None
    unit_id: int | None = None
    label: str = ""

    @property
    def query(self) -> dict[str, int]:
        if self.organization_id:
            return {"organization": self.organization_id}
        return {"unit": self.unit_id} if self.unit_id else {}


@dataclass(frozen=True)
class Conclusion:
    concluded_on: date
    meeting: str
    case_number: str
    conclusion: str | None  #: None where the viewer does not read free text
    follow_up: str


@dataclass
class Committee:
    placed: int | str = 0  #: cases placed on the agenda in the year (protected)
    concluded: int | str = 0
    conclusions: list[Conclusion] = field(default_factory=list)


@dataclass
class YearlyReport:
    year: int
    filters: StatsFilter
    total: int
    shown_total: int | str = 0  #: as the viewer may see it (avvik.stats.suppression)
    scope: Scope = field(default_factory=Scope)
    incomplete: bool = False  #: the current year: its figures will still grow
    previous_total: int | str | None = None
    #: "YYYY-MM" when the year before has data only from that month on: no change shown
    previous_from: str = ""
    panels: dict[str, Panel] = field(default_factory=dict)
    run_charts: list[RunChartView] = field(default_factory=list)
    run_svgs: dict[str, Markup] = field(default_factory=dict)
    first_month: str = ""  #: "YYYY-MM": the run charts' first month
    signals: list[SeriesSignal] = field(default_factory=list)
    evaluations: list[EvaluationView] = field(default_factory=list)
    charted: list[EvaluationView] = field(default_factory=list)  #: drawn, at most a few
    committee: Committee = field(default_factory=Committee)

    @property
    def change(self) -> float | None:
        """The change from the year before, as a share; None where a figure is hidden."""
        if self.previous_from:  # a part of a year against a whole one
            return None
        if isinstance(self.previous_total, int) and self.previous_total and isinstance(
                self.shown_total, int):
            return (self.shown_total - self.previous_total) / self.previous_total
        return None

    def rows(self, name: str) -> list[dict[str, object]]:
        panel = self.panels.get(name)
        return panel.table.records() if panel else []


def is_report_year(year: int) -> bool:
    return year in YEARS and year - TREND_YEARS + 1 in YEARS


def years_with_data(viewer: User, scope: Scope, today: date) -> list[int]:
    """The years the viewer's selection has cases in, latest first (never a future one):
    the first and last event dates, then one look-up (an index range) per year between."""
    batch = new_batch(["per_year"], viewer, _filters(scope, min(YEARS), today.year))
    chosen = batch.selection
    where = condition(chosen.shape, literal_period=False)
    first, last = run(select(func.min(Report.event_date), func.max(Report.event_date))
                      .where(where), chosen.params).one()
    if first is None:
        return []
    years = []
    for year in range(min(last.year, today.year), first.year - 1, -1):
        params = {**chosen.params, "period_from": date(year, 1, 1),
                  "period_to": date(year, 12, 31)}
        if is_report_year(year) and run(select(Report.id).where(where).limit(1),
                                        params).first():
            years.append(year)
    return years


def scope_choices(viewer: User) -> list[tuple[str, str]]:
    """("organization-<id>" or "unit-<id>", label): the municipalities and the hospital
    divisions (the units just under a hospital trust's top unit) of the viewer's
    communities."""
    from avvik.dashboards.queries import communities_of

    communities = None if viewer.is_admin else communities_of(viewer)
    kommuner = select(Organization.id, Organization.name).where(
        Organization.kind == OrganizationKind.MUNICIPALITY).order_by(Organization.name)
    top = select(Unit.id).join(Unit.organization).where(
        Unit.parent_id.is_(None), Organization.kind == OrganizationKind.HOSPITAL_TRUST)
    divisions = (select(Unit.id, Organization.name + ": " + Unit.name).join(Unit.organization)
                 .where(Unit.parent_id.in_(top)).order_by(Organization.name, Unit.name))
    if communities is not None:
        kommuner = kommuner.where(Organization.health_community_id.in_(communities))
        divisions = divisions.where(Organization.health_community_id.in_(communities))
    return ([(f"organization-{i}", name) for i, name in db.session.execute(kommuner)]
            + [(f"unit-{i}", name) for i, name in db.session.execute(divisions)])


def scope_of(viewer: User, value: str | None) -> Scope | None:
    """The scope a query value names, or None when the viewer has no such choice."""
    if not value:
        return Scope()
    label = dict(scope_choices(viewer)).get(value)
    if label is None:
        return None
    kind, _dash, number = value.partition("-")
    return (Scope(organization_id=int(number), label=label) if kind == "organization"
            else Scope(unit_id=int(number), label=label))


def _filters(scope: Scope, first_year: int, last_year: int) -> StatsFilter:
    return StatsFilter(date(first_year, 1, 1), date(last_year, 12, 31),
                       organization_id=scope.organization_id, unit_id=scope.unit_id)


def build_yearly_report(viewer: User, year: int, *, scope: Scope | None = None,
                        now: datetime | None = None, today: date | None = None
                        ) -> YearlyReport:
    """The report of ``year`` (check ``is_report_year`` first) for ``viewer``."""
    scope = scope or Scope()
    today = today or oslo_today(now)
    filters = _filters(scope, year, year)
    trend = _filters(scope, year - TREND_YEARS + 1, year)
    span = _filters(scope, year - RUN_CHART_MONTHS // 12 + 1, year)
    # The trend's count per day also gives the year's months and the run charts' ones.
    five_years = new_batch(["per_year"], viewer, trend, now)
    trend_table = table_of(five_years, "per_year")
    year_batch = five_years.narrowed(filters, YEAR_TABLES)
    total, tables = tables_of(year_batch)
    report = YearlyReport(year, filters, total, year_batch.shown_total() if total else 0,
                          scope, incomplete=year >= today.year)
    report.panels["per_year"] = Panel(trend_table, charts.chart_for(trend_table))
    previous = [r["total"] for r in trend_table.records() if str(r["year"]) == str(year - 1)]
    report.previous_total = previous[0] if previous else None
    first = first_case_date()
    if first is not None and first.year == year - 1 and first.month > 1:
        report.previous_from = f"{first:%Y-%m}"
    if report.total == 0:
        return report
    for name, table in tables.items():
        if name in SHORTENED:  # the largest; the export link gives them all
            table = replace(table, rows=_largest(table)[:SHORTENED[name]])
        report.panels[name] = Panel(table, None)
    _run_charts(report, table_of(five_years.narrowed(span, ["per_month"]), "per_month"),
                today, first)
    report.evaluations = evaluation_views(tables["measures_started"])
    report.charted = sorted(report.evaluations, key=lambda e: (
        not (e.chart and e.chart.signals), e.hidden, e.start_date))[:MAX_MEASURE_CHARTS]
    report.committee = _committee(viewer, year_batch, year)
    return report


def _largest(table: Table) -> list[list[object]]:
    """The rows, largest first. A table with hidden counts comes in alphabetical order
    (avvik.stats.suppression); its rows are put back in the order of the counts shown,
    the hidden ones last, which tells nothing the page does not show."""
    if not table.suppressed:
        return table.rows
    at = next((i for i, c in enumerate(table.columns) if c.key in ("count", "answered")),
              None)
    if at is None:
        return table.rows
    return sorted(table.rows, key=lambda row: -row[at] if isinstance(row[at], int) else 1)


def _run_charts(report: YearlyReport, months: Table, today: date,
                first: date | None) -> None:
    start = f"{first:%Y-%m}" if first else ""
    key = months.columns[0].key
    months = replace(months, rows=[r for r in months.rows if str(r[0]) >= start]
                     if key == "month" else months.rows)
    report.first_month = str(months.rows[0][0]) if months.rows else ""
    report.run_charts = run_chart_views(months, today=today)
    report.signals = signals_of({v.series: v.chart for v in report.run_charts},
                                current_only=False)
    for view in report.run_charts:
        chart = view.chart
        report.run_svgs[view.series] = svg.run_chart_svg(
            chart.values, view.months, median=chart.median, title=view.label,
            marked=charts.marked_points(chart))


def _committee(viewer: User, batch: Batch, year: int) -> Committee:
    # The agenda items of the year, whenever their cases happened (an escalation in
    # January is often of a case from December).
    chosen = batch.selection
    params = {**chosen.params, "period_from": date(min(YEARS), 1, 1),
              "period_to": date(year, 12, 31)}
    start = datetime(year, 1, 1, tzinfo=OSLO)
    end = datetime(year + 1, 1, 1, tzinfo=OSLO)
    in_selection = condition(chosen.shape, literal_period=False)
    placed = run(select(func.count(AgendaItem.id)).join(Report, Report.id == AgendaItem.report_id)
                 .where(in_selection, AgendaItem.placed_at >= start, AgendaItem.placed_at < end),
                 params).scalar_one()
    rows = run(select(AgendaItem.concluded_at, Meeting.held_on, Meeting.title,
                      Report.case_number, AgendaItem.conclusion, Organization.name,
                      AgendaItem.follow_up_note)
               .join(Report, Report.id == AgendaItem.report_id)
               .outerjoin(Meeting, Meeting.id == AgendaItem.meeting_id)
               .outerjoin(Organization, Organization.id == AgendaItem.follow_up_organization_id)
               .where(in_selection, AgendaItem.concluded_at >= start,
                      AgendaItem.concluded_at < end)
               .order_by(AgendaItem.concluded_at), params).all()
    exact = batch.exact

    def shown(n: int) -> int | str:
        return HIDDEN if is_small(n) and not exact() else n

    committee = Committee(shown(placed), shown(len(rows)))
    if may_read_free_text(viewer):
        committee.conclusions = [
            Conclusion(concluded.date(), f"{held:%d.%m.%Y} {title}".strip() if held else "",
                       case_number or "", conclusion, " ".join(
                           p for p in (organization or "", note or "") if p))
            for concluded, held, title, case_number, conclusion, organization, note in rows]
    return committee
