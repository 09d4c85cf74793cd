"""Measures (tiltak) on the dashboard: how many are open, overdue and evaluated, and the
before/after counts of each evaluated one.

A measure counts when at least one of its cases is in the selection (the user's
statistics scope and the filter, period included), so the numbers follow the same
filter as everything else on the page. The before/after series come from the measures
feature (avvik.measures.queries.category_counts_before_after).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, case, exists, func, select

from avvik.extensions import db
from avvik.measures.models import FINISHED, Measure, MeasureReport
from avvik.measures.queries import (
    BeforeAfter,
    MeasureCounts,
    category_counts_before_after,
    overdue_condition,
)
from avvik.measures.services import oslo_today
from avvik.organizations.models import Unit
from avvik.reports.models import Report
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.base import selection
from avvik.users.models import User


def _in_selection(user: User, filters: StatsFilter) -> ColumnElement[bool]:
    return exists().where(MeasureReport.measure_id == Measure.id,
                          MeasureReport.report_id == Report.id, selection(user, filters))


def measure_summary(user: User, filters: StatsFilter, today: date | None = None
                    ) -> MeasureCounts:
    """Open (neither completed nor cancelled), overdue and evaluated measures."""
    today = today or oslo_today()
    row = db.session.execute(
        select(func.count(case((Measure.status.not_in(FINISHED), 1))),
               func.count(case((overdue_condition(today), 1))),
               func.count(Measure.evaluated_at))
        .where(_in_selection(user, filters))
    ).one()
    return MeasureCounts(*row)


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

    ``limit``: at most that many (the latest); each measure costs two small queries.
    """
    rows = db.session.execute(
        select(Measure, Unit.organization_id).join(Measure.owning_unit)
        .where(_in_selection(user, filters), Measure.evaluated_at.is_not(None),
               Measure.start_date.is_not(None))
        .order_by(Measure.evaluated_at.desc(), Measure.id).limit(limit)
    ).all()
    out = []
    for measure, organization_id in rows:
        counts = category_counts_before_after(measure, months, today=today)
        if counts is not None:
            out.append(MeasureEvaluation(measure.id, measure.title, organization_id, counts))
    return out
