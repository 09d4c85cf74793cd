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

Prepared statements: a viewer's selection (scope and filter) is resolved once into a
``Selection``: its ``Shape`` (which conditions there are) and the values bound to them.
The queries build each statement once per shape (``functools.lru_cache``) with named
parameters, and run it with the values (avvik.core.db.run); there are a few shapes,
not one per viewer or filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, or_, true

from avvik.core.sql import dialect_name, in_codes, in_ids
from avvik.reports.models import Report, ReportStatus
from avvik.reports.scope import descendants
from avvik.stats.filters import StatsFilter
from avvik.stats.scope import stats_reach
from avvik.users.models import User

NOT_COUNTED = (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL, ReportStatus.WITHDRAWN)
#: The column that places a case in time (see the module's docstring).
CASE_DATE = Report.event_date
#: Filters on a column of the case itself, compared for equality.
_EQUAL_FILTERS = ("direction", "agreement_id", "transition_id", "category_id", "consequence",
                  "potential_consequence")
#: Every optional filter, in the order a Shape names them.
_FILTERS = ("organization_id", "unit_id", *_EQUAL_FILTERS)


@dataclass(frozen=True)
class Shape:
    """Which conditions a selection has, without their values: the key of its statements."""

    dialect: str
    everything: bool  #: administrators: no scope condition
    organizations: bool  #: the scope has whole organisations (param scope_organizations)
    units: bool  #: the scope has units (param scope_units)
    filters: tuple[str, ...]  #: the optional filters given (params filter_<name>)


@dataclass(frozen=True, eq=False)
class Selection:
    """The counted cases in a viewer's scope that match a filter, resolved for SQL."""

    shape: Shape
    params: dict[str, Any]


def resolve(user: User, filters: StatsFilter) -> Selection:
    """``user``'s scope and ``filters`` as a shape and its parameters (one small query
    for a secretariat's organisations or a leader's units, one for a unit filter)."""
    dialect = dialect_name()
    reach = stats_reach(user, dialect)
    params: dict[str, Any] = {}
    if reach.organizations:
        params["scope_organizations"] = sorted(reach.organizations)
    if reach.units:
        params["scope_units"] = sorted(reach.units)
    given = _filter_params(filters, params, dialect)
    shape = Shape(dialect, reach.everything, bool(reach.organizations),
                  bool(reach.units), given)
    return Selection(shape, params)


@lru_cache(maxsize=256)
def condition(shape: Shape, *, literal_period: bool = True) -> ColumnElement[bool]:
    """The selection of ``shape`` as one SQL condition over Report, with parameters.

    The period's dates are written into the SQL (``literal_period``), not sent as
    parameters: the driver prepares a statement it runs often, and PostgreSQL then plans
    it once for any parameter values - blind to how many cases a period holds, it would
    plan a scan of millions as one of a few thousand (no parallel workers, the wrong
    aggregation; bench/: 1.6x slower over a million cases). With the dates in the SQL
    the plan fits the period. ``literal_period=False`` for statements whose plan does not
    depend on it (the small ones, where writing the dates in costs more than it saves).
    """
    return and_(counted(), _scope(shape),
                _filter(shape.filters, shape.dialect, literal_period))


def counted() -> ColumnElement[bool]:
    return in_codes(Report.status, NOT_COUNTED, negate=True)


def filter_condition(filters: StatsFilter) -> tuple[ColumnElement[bool], dict[str, Any]]:
    """The filter as one SQL condition over Report, and the values of its parameters:
    the statement that uses the condition takes them (``Select.params()``)."""
    params: dict[str, Any] = {}
    dialect = dialect_name()
    given = _filter_params(filters, params, dialect)
    return _filter(given, dialect, True), params


def share(part: int, whole: int) -> float | None:
    """``part / whole``, or None when there is nothing to divide (shown as "no cases")."""
    return part / whole if whole else None


def _filter_params(filters: StatsFilter, params: dict[str, Any], dialect: str
                   ) -> tuple[str, ...]:
    """Adds the filter's values to ``params``; returns the names of the filters given."""
    params["period_from"], params["period_to"] = filters.period_from, filters.period_to
    given = tuple(name for name in _FILTERS if getattr(filters, name) is not None)
    for name in given:
        value = getattr(filters, name)
        params[f"filter_{name}"] = (sorted(descendants([value]))
                                    if name == "unit_id" else value)
    return given


def _scope(shape: Shape) -> ColumnElement[bool]:
    if shape.everything:
        return true()
    conditions = []
    if shape.organizations:
        conditions += [in_ids(column, "scope_organizations", shape.dialect) for column in
                       (Report.reporting_organization_id, Report.receiving_organization_id)]
    if shape.units:
        conditions += [in_ids(column, "scope_units", shape.dialect)
                       for column in (Report.reporting_unit_id, Report.responsible_unit_id)]
    return or_(*conditions) if conditions else false()


@lru_cache(maxsize=64)
def _filter(given: tuple[str, ...], dialect: str, literal_period: bool
            ) -> ColumnElement[bool]:
    conditions = [CASE_DATE.between(bindparam("period_from", literal_execute=literal_period),
                                    bindparam("period_to", literal_execute=literal_period))]
    if "organization_id" in given:
        organization = bindparam("filter_organization_id")
        conditions.append(or_(Report.reporting_organization_id == organization,
                              Report.receiving_organization_id == organization))
    if "unit_id" in given:
        conditions.append(or_(*(in_ids(column, "filter_unit_id", dialect) for column in
                                (Report.reporting_unit_id, Report.responsible_unit_id))))
    conditions += [getattr(Report, name) == bindparam(f"filter_{name}")
                   for name in _EQUAL_FILTERS if name in given]
    return and_(*conditions)
