"""The read side of measures: who sees which, lists, and the before/after evaluation counts.

A measure is visible to whoever may see at least one of its cases to or from the owning
unit's organisation, to the owning unit's members (and leaders above it), and to
administrators. Counts are made in SQL.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Executable,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased, selectinload

from avvik.catalog.models import Category
from avvik.core.db import run
from avvik.core.errors import NotFound
from avvik.core.sql import dialect_name, in_codes, in_ids
from avvik.core.timeutil import add_months, oslo_today
from avvik.extensions import db
from avvik.measures.models import FINISHED, Measure, MeasureReport, MeasureStatus
from avvik.measures.services import NOT_A_CASE
from avvik.organizations.models import Organization, Unit
from avvik.reports.models import Report
from avvik.reports.scope import Reach, reach_of
from avvik.reports.scope import visible_condition as report_visible
from avvik.users.models import User

MAX_PER_PAGE = 100


@dataclass
class MeasureFilter:
    status: MeasureStatus | None = None
    overdue: bool = False
    evaluated: bool = False


@dataclass
class MeasurePage:
    items: list[Measure]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def visible_condition(user: User) -> ColumnElement[bool]:
    """One SQL condition: the measures ``user`` may see."""
    if user.is_admin:
        return true()
    reach = reach_of(user)
    units = {m.unit_id for m in user.memberships} | reach.handled_units
    through_a_case = _seen_through_a_case(user, reach)
    return or_(Measure.owning_unit_id.in_(units), through_a_case) if units else through_a_case


def _seen_through_a_case(user: User, reach: Reach) -> ColumnElement[bool]:
    """Whether the measure has a case ``user`` may see to or from the owning unit's
    organisation: one linked between other parties (before links were held to that)
    widens nothing. Correlated with the measure of the outermost query, so that the
    database stops at the first such case; the owner's organisation is joined once, not
    looked up for each of the measure's cases."""
    owner = aliased(Unit)
    return (select(MeasureReport.measure_id)
            .join(owner, owner.id == Measure.owning_unit_id)
            .join(Report, Report.id == MeasureReport.report_id)
            .where(MeasureReport.measure_id == Measure.id,
                   or_(Report.reporting_organization_id == owner.organization_id,
                       Report.receiving_organization_id == owner.organization_id),
                   report_visible(user, reach))
            .correlate(Measure).exists())


def overdue_condition(today: date) -> ColumnElement[bool]:
    return and_(Measure.status.not_in(FINISHED), Measure.due_date < today)


def is_overdue(measure: Measure, today: date | None = None) -> bool:
    """Due date passed and neither completed nor cancelled."""
    return measure.status not in FINISHED and measure.due_date < (today or oslo_today())


def get_measure(user: User, measure_id: int) -> Measure:
    """The measure, if ``user`` may see it; otherwise NotFound (never reveal it exists)."""
    measure = db.session.execute(
        select(Measure).where(Measure.id == measure_id, visible_condition(user))
    ).scalar_one_or_none()
    if measure is None:
        raise NotFound()
    return measure


def list_measures(user: User, filters: MeasureFilter | None = None, *, page: int = 1,
                  per_page: int = 25, today: date | None = None) -> MeasurePage:
    """One page of the measures ``user`` may see, the earliest due first."""
    filters, today = filters or MeasureFilter(), today or oslo_today()
    per_page, page = min(max(per_page, 1), MAX_PER_PAGE), max(page, 1)
    query = select(Measure).where(visible_condition(user))
    if filters.status is not None:
        query = query.where(Measure.status == filters.status)
    if filters.overdue:
        query = query.where(overdue_condition(today))
    if filters.evaluated:
        query = query.where(Measure.evaluated_at.is_not(None))
    # The total beside each id of the page: the visibility rule, which reads the
    # measures' cases, is worked out once for both; only the page's rows are loaded.
    order = (Measure.due_date, Measure.id)
    rows = db.session.execute(
        query.with_only_columns(Measure.id, func.count().over()).order_by(*order)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0][1]
    elif page == 1:
        total = 0
    else:  # past the last page: count how far the list goes
        total = db.session.execute(
            select(func.count()).select_from(query.subquery())).scalar_one()
    items = db.session.execute(
        select(Measure).where(Measure.id.in_([row[0] for row in rows]))
        .options(selectinload(Measure.owning_unit).selectinload(Unit.organization))
        .order_by(*order)
    ).scalars().all() if rows else []
    return MeasurePage(list(items), total, page, per_page)


def measures_for_report(report_id: int) -> list[Measure]:
    """The measures linked to a case. The caller has checked that the case is visible;
    every measure linked to a visible case is visible too."""
    return list(db.session.execute(
        select(Measure).join(MeasureReport, MeasureReport.measure_id == Measure.id)
        .where(MeasureReport.report_id == report_id)
        .options(selectinload(Measure.owning_unit))
        .order_by(Measure.due_date, Measure.id)
    ).scalars())


def visible_reports(user: User, measure: Measure) -> list[Report]:
    """The measure's cases that ``user`` may see; the others are not even counted."""
    return list(db.session.execute(
        select(Report).join(MeasureReport, MeasureReport.report_id == Report.id)
        .where(MeasureReport.measure_id == measure.id, report_visible(user))
        .order_by(Report.case_number)
    ).scalars())


def owning_unit_choices(organization_ids: set[int]) -> list[tuple[int, str]]:
    """Active units of the given organisations, as "Organisation: unit" choices."""
    rows = db.session.execute(
        select(Unit.id, Organization.name, Unit.name).join(Unit.organization)
        .where(Unit.organization_id.in_(organization_ids), Unit.is_active)
        .order_by(Organization.name, Unit.name)
    ).all()
    return [(unit_id, f"{org_name}: {unit_name}") for unit_id, org_name, unit_name in rows]


@dataclass(frozen=True)
class MeasureCounts:
    open: int
    overdue: int
    evaluated: int


def measure_counts(user: User, today: date | None = None) -> MeasureCounts:
    """Open, overdue and evaluated measures ``user`` may see, in one SQL statement."""
    today = today or oslo_today()
    is_open = Measure.status.not_in(FINISHED)
    row = db.session.execute(
        select(func.count(case((is_open, 1))),
               func.count(case((overdue_condition(today), 1))),
               func.count(Measure.evaluated_at))
        .where(visible_condition(user))
    ).one()
    return MeasureCounts(*row)


# --- The evaluation: monthly counts of the cases' kind before and after the start ---


@dataclass(frozen=True)
class MonthCount:
    month: date  #: the first day of the month
    count: int


@dataclass(frozen=True)
class BeforeAfter:
    """Monthly counts of reports like the measure's cases, before and after it started.

    "Like" means the same category and the same receiving organisation as one of the
    measure's cases; reports are counted by the date of the event. The month the measure
    started in is in neither series unless it started on the 1st (it mixes both), and
    ``after`` holds only whole months that have ended.
    """

    start_date: date
    category_names: list[str]
    before: list[MonthCount]
    after: list[MonthCount]

    @property
    def total_before(self) -> int:
        return sum(m.count for m in self.before)

    @property
    def total_after(self) -> int:
        return sum(m.count for m in self.after)

    @property
    def mean_before(self) -> float | None:
        return self.total_before / len(self.before) if self.before else None

    @property
    def mean_after(self) -> float | None:
        return self.total_after / len(self.after) if self.after else None


def category_counts_before_after(measure: Measure, months: int = 6, *,
                                 today: date | None = None) -> BeforeAfter | None:
    """The counts behind "did deviations of that kind drop afterwards?" (None without a
    start date). Aggregated in SQL: only one row per month leaves the database."""
    if measure.start_date is None:
        return None
    return counts_before_after({measure.id: measure.start_date}, months,
                               today=today)[measure.id]


def counts_before_after(starts: Mapping[int, date], months: int = 6, *,
                        today: date | None = None) -> dict[int, BeforeAfter]:
    """``category_counts_before_after`` of several measures, given as {id: start date}: in
    two statements for up to ``MAX_PARTS`` of them (a dashboard shows twenty)."""
    if not starts:
        return {}
    today = today or oslo_today()
    dialect = dialect_name()
    windows = {measure_id: _months_around(start, months, today)
               for measure_id, start in starts.items()}
    counts: dict[tuple[int, date], int] = {}
    ordered = list(windows.items())
    for first in range(0, len(ordered) if months > 0 else 0, MAX_PARTS):
        params: dict[str, Any] = {}
        chunk = ordered[first:first + MAX_PARTS]
        for n, (measure_id, (before, after)) in enumerate(chunk):
            params.update({f"measure_{n}": measure_id, f"since_{n}": before[0],
                           f"until_{n}": add_months(after[-1] if after else before[-1], 1)})
        # Counted per day and folded into months here, as the statistics count cases
        # per month (avvik/stats/queries/counts.py): a month computed in SQL would be a
        # function call per case.
        for measure_id, day, count in run(_monthly_counts(len(chunk)),
                                          params).all():
            month = (measure_id, day.replace(day=1))
            counts[month] = counts.get(month, 0) + count
    names: dict[int, list[str]] = {measure_id: [] for measure_id in starts}
    for measure_id, name in run(_category_names(dialect), {"measures": list(starts)}):
        names[measure_id].append(name)

    def series(measure_id: int, first_days: list[date]) -> list[MonthCount]:
        return [MonthCount(m, counts.get((measure_id, m), 0)) for m in first_days]

    return {measure_id: BeforeAfter(starts[measure_id], names[measure_id],
                                    series(measure_id, before), series(measure_id, after))
            for measure_id, (before, after) in windows.items()}


def _months_around(start: date, months: int, today: date) -> tuple[list[date], list[date]]:
    """The first days of the months counted before a start, and of the whole months after
    it that have ended by ``today``."""
    start_month = start.replace(day=1)
    first_after = start_month if start.day == 1 else add_months(start_month, 1)
    before = [add_months(start_month, -n) for n in range(months, 0, -1)]
    after = [m for m in (add_months(first_after, n) for n in range(months))
             if add_months(m, 1) <= today.replace(day=1)]
    return before, after


#: Measures counted per statement at most: a page shows twenty; a caller asking for every
#: evaluated measure gets a statement per twenty, not one of thousands of parts.
MAX_PARTS = 20


# Built once per number of measures, with the measures and their windows as
# parameters: building a statement of twenty parts anew took longer than running it.
@lru_cache(maxsize=MAX_PARTS)
def _monthly_counts(measures: int) -> Executable:
    """Reports like the cases of measure ``measure_<n>``, per event date from
    ``since_<n>`` until ``until_<n>``: a part per measure, so that each reads only its
    own kinds' months (a range of ix_reports_kind_event_date each)."""
    parts = [_monthly_part(n) for n in range(measures)]
    return parts[0] if measures == 1 else union_all(*parts)


def _monthly_part(n: int) -> Select[tuple[int, date, int]]:
    linked = aliased(Report)
    measure_id = bindparam(f"measure_{n}", type_=Integer)
    kinds = (select(linked.category_id, linked.receiving_organization_id)
             .join(MeasureReport, MeasureReport.report_id == linked.id)
             .where(MeasureReport.measure_id == measure_id).distinct().subquery(f"kinds_{n}"))
    # count(*), not of a column: the index holds all the rest, so PostgreSQL need not
    # visit the table.
    return (select(measure_id.label("measure_id"), Report.event_date,
                   func.count().label("count"))
            .select_from(Report)
            .join(kinds, and_(Report.category_id == kinds.c.category_id,
                              Report.receiving_organization_id
                              == kinds.c.receiving_organization_id))
            .where(in_codes(Report.status, NOT_A_CASE, negate=True),
                   Report.event_date >= bindparam(f"since_{n}", type_=Date),
                   Report.event_date < bindparam(f"until_{n}", type_=Date))
            .group_by(Report.event_date))


@lru_cache(maxsize=4)
def _category_names(dialect: str) -> Select[tuple[int, str]]:
    return (select(MeasureReport.measure_id, Category.name).distinct()
            .join(Report, Report.id == MeasureReport.report_id)
            .join(Category, Category.id == Report.category_id)
            .where(in_ids(MeasureReport.measure_id, "measures", dialect))
            .order_by(MeasureReport.measure_id, Category.name))


def counts_shown_in_full(user: User, measure: Measure) -> bool:
    """Whether ``user`` may read small counts (1-4) exactly: administrators and members of
    a receiving organisation that is counted. Others see "<5", so that a count cannot
    point at a person."""
    if user.is_admin:
        return True
    own = {m.unit.organization_id for m in user.memberships}
    counted = db.session.execute(
        select(Report.receiving_organization_id).distinct()
        .join(MeasureReport, MeasureReport.report_id == Report.id)
        .where(MeasureReport.measure_id == measure.id)
    ).scalars()
    return bool(own & set(counted))
