"""How many cases: per month and per year by direction, and breakdowns by one dimension.

One GROUP BY each; only the grouped rows leave the database. Every month (or year) of the
period is present, zeros included: a run chart needs its zeros.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, literal, select

from avvik.extensions import db
from avvik.reports.models import Direction, Report
from avvik.stats.filters import StatsFilter, add_months
from avvik.stats.queries.base import CASE_DATE, month_key, selection, year_key
from avvik.users.models import User


@dataclass(frozen=True)
class PeriodCount:
    """One month (or year) of cases, stacked by direction."""

    period: date  #: the first day of the month (or of the year)
    by_direction: dict[Direction, int]  #: every direction present, in Direction's order

    @property
    def total(self) -> int:
        return sum(self.by_direction.values())


def counts_per_month(user: User, filters: StatsFilter) -> list[PeriodCount]:
    """Cases per month of the filter's period, by direction (oldest month first)."""
    first = filters.period_from.replace(day=1)
    months, month = [], first
    while month <= filters.period_to:
        months.append(month)
        month = add_months(month, 1)
    counts = _grouped(user, filters, month_key(CASE_DATE))
    return [_period(m, counts, f"{m:%Y-%m}") for m in months]


def counts_per_year(user: User, filters: StatsFilter) -> list[PeriodCount]:
    """Cases per calendar year of the filter's period, by direction (oldest first)."""
    counts = _grouped(user, filters, year_key(CASE_DATE))
    years = range(filters.period_from.year, filters.period_to.year + 1)
    return [_period(date(y, 1, 1), counts, str(y)) for y in years]


def total_count(user: User, filters: StatsFilter) -> int:
    """How many cases the selection holds (0 means the page says "no cases")."""
    return db.session.execute(
        select(func.count()).select_from(Report).where(selection(user, filters))
    ).scalar_one()


def _grouped(user: User, filters: StatsFilter, key: ColumnElement[str]
             ) -> dict[tuple[str, str], int]:
    # A submitted case always has a direction; coalesce keeps an odd row in "other"
    # instead of losing it.
    direction = func.coalesce(Report.direction, literal(Direction.OTHER.value))
    rows = db.session.execute(
        select(key, direction, func.count()).select_from(Report)
        .where(selection(user, filters)).group_by(key, direction)
    ).all()
    out: dict[tuple[str, str], int] = {}
    for period, kind, count in rows:
        kind = kind.value if isinstance(kind, enum.Enum) else kind
        out[(period, kind)] = out.get((period, kind), 0) + count
    return out


def _period(first_day: date, counts: dict[tuple[str, str], int], key: str) -> PeriodCount:
    return PeriodCount(first_day, {d: counts.get((key, d.value), 0) for d in Direction})
