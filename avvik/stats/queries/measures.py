"""Measures (tiltak) on the dashboard: how many are open, overdue and evaluated, and the
before/after evaluation of each evaluated one.

A measure counts when at least one of its cases is in the selection (the user's
statistics scope and the filter, period included), so the numbers follow the same
filter as everything else on the page. The before/after series come from the measures
feature (avvik.measures.evaluation), for every measure shown at once. The yearly report
lists the measures that started in its year instead (``started``).
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
from avvik.measures.evaluation import Evaluation, evaluate
from avvik.measures.models import FINISHED, Measure, MeasureReport
from avvik.measures.queries import MeasureCounts
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
    evaluation: Evaluation  #: the owning unit's months before and after the start
    evaluated: bool = True  #: whether the owning unit has evaluated it (``evaluated_at``)


def measure_evaluations(user: User, filters: StatsFilter, *, today: date | None = None,
                        limit: int | None = None) -> list[MeasureEvaluation]:
    """Every evaluated measure in the selection that has a start date, latest first.

    ``limit``: at most that many (the latest); their counts take few statements together.
    """
    return evaluations_of(resolve(user, filters), today=today, limit=limit)


def evaluations_of(chosen: Selection, *, today: date | None = None,
                   limit: int | None = None, started: tuple[date, date] | None = None
                   ) -> list[MeasureEvaluation]:
    """``measure_evaluations`` of a resolved selection. ``started`` (first, last day):
    every measure that started then and has a case in the selection, evaluated or not
    (the yearly report lists a measure in its start year, its selection's period ending
    with that year)."""
    statement = _evaluated(chosen.shape, limit is not None, started is not None)
    params = {**chosen.params, "limit": limit}
    if started:
        params.update({"started_from": started[0], "started_to": started[1]})
    found = run(statement, params).all()
    evaluations = evaluate({row.id: (row.start_date, row.owning_unit_id) for row in found},
                           today=today)
    return [MeasureEvaluation(row.id, row.title, row.organization_id, evaluations[row.id],
                              row.evaluated_at is not None)
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
def _evaluated(shape: Shape, limited: bool, started: bool = False) -> Select[Any]:
    statement = (select(Measure.id, Measure.title, Measure.start_date, Measure.evaluated_at,
                        Measure.owning_unit_id, Unit.organization_id)
                 .join(Measure.owning_unit))
    if started:
        statement = statement.where(
            _in_selection(shape),
            Measure.start_date.between(bindparam("started_from"), bindparam("started_to"))
        ).order_by(Measure.start_date, Measure.id)
    else:
        statement = statement.where(
            _in_selection(shape), Measure.evaluated_at.is_not(None),
            Measure.start_date.is_not(None)
        ).order_by(Measure.evaluated_at.desc(), Measure.id)
    return statement.limit(bindparam("limit")) if limited else statement
