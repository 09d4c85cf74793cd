"""Measures (tiltak) on the dashboard: how many are open, overdue and evaluated, and the
before/after counts of each evaluated one.

A measure counts when at least one of its cases is in the selection (the user's
statistics scope and the filter, period included), so the numbers follow the same
filter as everything else on the page. The before/after series come from the measures
feature (avvik.measures.queries.counts_before_after), for every measure shown at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, exists, func, select

from avvik.core.db import run
from avvik.core.sql import in_codes
from avvik.core.timeutil import oslo_today
from avvik.measures.models import FINISHED, Measure, MeasureReport
from avvik.measures.queries import BeforeAfter, MeasureCounts, counts_before_after
from avvik.organizations.models import Unit
from avvik.reports.models import Report
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.base import Selection, Shape, condition, resolve
from avvik.users.models import User


def measure_summary(user: User, filters: StatsFilter, today: date | None = None
                    ) -> MeasureCounts:
    """Open (neither completed nor cancelled), overdue and evaluated measures."""
    return summary_of(resolve(user, filters), today)


def summary_of(chosen: Selection, today: date | None = None) -> MeasureCounts:
    """``measure_summary`` of a resolved selection."""
    params = {**chosen.params, "today": today or oslo_today()}
    return MeasureCounts(*run(_summary(chosen.shape), params).one())


@dataclass(frozen=True)
class MeasureEvaluation:
    measure_id: int
    title: str
    organization_id: int  #: the owning unit's organisation (suppression of small counts)
    counts: BeforeAfter  #: monthly counts of the cases' kind before and after the start


def measure_evaluations(user: User, filters: StatsFilter, *, months: int = 6,
                        today: date | None = None, limit: int | None = None
                        ) -> list[MeasureEvaluation]:
    """Every evaluated measure in the selection that has a start date, latest first.

    ``limit``: at most that many (the latest); their counts take two statements together.
    """
    return evaluations_of(resolve(user, filters), months=months, today=today, limit=limit)


def evaluations_of(chosen: Selection, *, months: int = 6, today: date | None = None,
                   limit: int | None = None) -> list[MeasureEvaluation]:
    """``measure_evaluations`` of a resolved selection."""
    statement = _evaluated(chosen.shape, limit is not None)
    found = run(statement, {**chosen.params, "limit": limit}).all()
    counts = counts_before_after({row.id: row.start_date for row in found}, months,
                                 today=today)
    return [MeasureEvaluation(row.id, row.title, row.organization_id, counts[row.id])
            for row in found]


def _in_selection(shape: Shape) -> ColumnElement[bool]:
    return exists().where(MeasureReport.measure_id == Measure.id,
                          MeasureReport.report_id == Report.id,
                          condition(shape, literal_period=False))


@lru_cache(maxsize=64)
def _summary(shape: Shape) -> Select[Any]:
    # Open and overdue as avvik.measures.queries.overdue_condition has them, with the
    # codes written into the SQL (see avvik.core.sql.in_codes).
    unfinished = in_codes(Measure.status, FINISHED, negate=True)
    return select(
        func.count(case((unfinished, 1))),
        func.count(case((and_(unfinished, Measure.due_date < bindparam("today")), 1))),
        func.count(Measure.evaluated_at),
    ).where(_in_selection(shape))


@lru_cache(maxsize=64)
def _evaluated(shape: Shape, limited: bool) -> Select[Any]:
    statement = (select(Measure.id, Measure.title, Measure.start_date, Unit.organization_id)
                 .join(Measure.owning_unit)
                 .where(_in_selection(shape), Measure.evaluated_at.is_not(None),
                        Measure.start_date.is_not(None))
                 .order_by(Measure.evaluated_at.desc(), Measure.id))
    return statement.limit(bindparam("limit")) if limited else statement
