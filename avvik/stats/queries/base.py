"""What every statistic counts, and the SQL pieces the queries share.

Counted cases: every submitted case, whatever its later fate, so "submitted", "routed",
"acknowledged", "answered" and "closed". Not counted: drafts and reports awaiting
approval (not yet sent) and withdrawn reports (a report can only be withdrawn before it
is routed, so the receiver never had it; counting it would charge them with a case they
never got).

Date basis: a case belongs to the month of its **event date** (when the deviation
happened), for the period filter as for the monthly counts. It is a plain date, so the
months need no time-zone arithmetic in SQL, and it is the basis the measures' before/after
evaluation uses too.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_

from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.scope import descendants
from avvik.stats.filters import StatsFilter
from avvik.stats.scope import stats_scope
from avvik.users.models import User

NOT_COUNTED = (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL, ReportStatus.WITHDRAWN)
#: The column that places a case in time (see the module's docstring).
CASE_DATE = Report.event_date


def counted() -> ColumnElement[bool]:
    return Report.status.not_in(NOT_COUNTED)


def filter_condition(filters: StatsFilter) -> ColumnElement[bool]:
    """The filter as one SQL condition over Report."""
    conditions = [CASE_DATE.between(filters.period_from, filters.period_to)]
    if filters.direction is not None:
        conditions.append(Report.direction == filters.direction)
    if filters.organization_id is not None:
        conditions.append(or_(Report.reporting_organization_id == filters.organization_id,
                              Report.receiving_organization_id == filters.organization_id))
    if filters.unit_id is not None:
        units = descendants([filters.unit_id])
        conditions.append(or_(Report.reporting_unit_id.in_(units),
                              Report.responsible_unit_id.in_(units)))
    for name in ("agreement_id", "transition_id", "category_id", "consequence"):
        value = getattr(filters, name)
        if value is not None:
            conditions.append(getattr(Report, name) == value)
    return and_(*conditions)


def selection(user: User, filters: StatsFilter) -> ColumnElement[bool]:
    """The counted cases in ``user``'s statistics scope that match ``filters``."""
    return and_(counted(), stats_scope(user), filter_condition(filters))


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def month_key(column: ColumnElement[date]) -> ColumnElement[str]:
    """A DATE column's month as "YYYY-MM", in the SQL of the database in use."""
    if dialect_name() == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.strftime("%Y-%m", column)


def year_key(column: ColumnElement[date]) -> ColumnElement[str]:
    """A DATE column's year as "YYYY"."""
    if dialect_name() == "postgresql":
        return func.to_char(column, "YYYY")
    return func.strftime("%Y", column)


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide (shown as "no cases")."""
    return part / whole if whole else None
