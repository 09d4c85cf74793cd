"""The read side of measures: who sees which and lists (the evaluation: evaluation.py).

A measure is visible to whoever may see at least one of its cases to or from the owning
unit's organisation, to the owning unit's members (and leaders above it), and to
administrators. Counts are made in SQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    func,
    or_,
    select,
    true,
)
from sqlalchemy.orm import aliased, selectinload

from avvik.core.errors import NotFound
from avvik.core.timeutil import oslo_today
from avvik.extensions import db
from avvik.measures.models import FINISHED, Measure, MeasureReport, MeasureStatus
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
    # The visibility rule reads the measures' cases: worked out once (a CTE the
    # database materialises) for both the total and the page, also for a page past the
    # end, which comes back as the total alone (an outer join of no ids).
    visible = query.with_only_columns(Measure.id, Measure.due_date).cte("visible")
    total_of = select(func.count().label("total")).select_from(visible).subquery()
    page_of = (select(visible.c.id, visible.c.due_date)
               .order_by(visible.c.due_date, visible.c.id)
               .limit(per_page).offset((page - 1) * per_page).subquery())
    found = db.session.execute(
        select(total_of.c.total, page_of.c.id)
        .select_from(total_of.outerjoin(page_of, true()))
        .order_by(page_of.c.due_date, page_of.c.id)
    ).all()
    total = found[0].total
    ids = [row.id for row in found if row.id is not None]
    items = db.session.execute(
        select(Measure).where(Measure.id.in_(ids))
        .options(selectinload(Measure.owning_unit).selectinload(Unit.organization))
        .order_by(Measure.due_date, Measure.id)
    ).scalars().all() if ids else []
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
