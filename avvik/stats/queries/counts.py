"""How many cases: per month and per year by direction, and in all.

One GROUP BY gives all three: the cases per day of the event and direction, folded into
months and years in Python (for the period asked for, or one within it: the yearly
report). Grouping by the date column itself, not by a month computed from it, spares the
database a function call per case (on PostgreSQL ``to_char`` took as long as the rest of
the query over a million cases); what leaves the database is at most three rows a day of
the period. Every month (or year) of the period is present, zeros
included: a run chart needs its zeros.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, String, func, select, type_coerce

from avvik.core.db import run
from avvik.core.timeutil import add_months
from avvik.reports.models import Direction, Report
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.base import CASE_DATE, Selection, Shape, condition, resolve
from avvik.users.models import User


@dataclass(frozen=True)
class PeriodCount:
    """One month (or year) of cases, stacked by direction."""

    period: date  #: the first day of the month (or of the year)
    by_direction: dict[Direction, int]  #: every direction present, in Direction's order

    @property
    def total(self) -> int:
        return sum(self.by_direction.values())


@dataclass(frozen=True)
class PeriodCounts:
    """A selection's cases per day and direction: the monthly and yearly tables and the
    total, from one query, for its period or any period within it."""

    filters: StatsFilter
    days: Counter[tuple[date, Direction]]  #: (day of the event, direction) -> cases

    @property
    def total(self) -> int:
        return sum(self.days.values())

    def within(self, filters: StatsFilter) -> PeriodCounts:
        """The counts of a period inside this one (the other filters the same)."""
        start, end = filters.period_from, filters.period_to
        if not self.filters.period_from <= start <= end <= self.filters.period_to:
            raise ValueError(f"{start}..{end} is not within {self.filters}")
        return PeriodCounts(filters, Counter(
            {key: n for key, n in self.days.items() if start <= key[0] <= end}))

    def per_month(self) -> list[PeriodCount]:
        """Every month of the period, oldest first."""
        months: Counter[tuple[date, Direction]] = Counter()
        for (day, direction), n in self.days.items():
            months[(day.replace(day=1), direction)] += n
        first, last = self.filters.period_from.replace(day=1), self.filters.period_to
        found, month = [], first
        while month <= last:
            found.append(self._period(month, months))
            month = add_months(month, 1)
        return found

    def per_year(self) -> list[PeriodCount]:
        """Every calendar year of the period, oldest first."""
        years: Counter[tuple[date, Direction]] = Counter()
        for (day, direction), n in self.days.items():
            years[(date(day.year, 1, 1), direction)] += n
        return [self._period(date(y, 1, 1), years)
                for y in range(self.filters.period_from.year, self.filters.period_to.year + 1)]

    @staticmethod
    def _period(first_day: date, counts: Counter[tuple[date, Direction]]) -> PeriodCount:
        return PeriodCount(first_day, {d: counts[(first_day, d)] for d in Direction})


def period_counts(chosen: Selection, filters: StatsFilter) -> PeriodCounts:
    """The cases of ``chosen`` (resolved from ``filters``) per day and direction."""
    days: Counter[tuple[date, Direction]] = Counter()
    # A row per day and direction, thousands over a few years: fetched at once, and the
    # direction mapped from its plain code here (fetching row by row and converting
    # every code through the column's Enum type cost more than the statement).
    for day, kind, n in run(_per_day(chosen.shape), chosen.params).all():
        # A submitted case always has a direction; an odd row without one counts as
        # "other" instead of being lost.
        days[(day, _DIRECTIONS.get(kind, Direction.OTHER))] += n
    return PeriodCounts(filters, days)


_DIRECTIONS = {direction.value: direction for direction in Direction}


def counts_per_month(user: User, filters: StatsFilter) -> list[PeriodCount]:
    """Cases per month of the filter's period, by direction (oldest month first)."""
    return period_counts(resolve(user, filters), filters).per_month()


def counts_per_year(user: User, filters: StatsFilter) -> list[PeriodCount]:
    """Cases per calendar year of the filter's period, by direction (oldest first)."""
    return period_counts(resolve(user, filters), filters).per_year()


def total_count(user: User, filters: StatsFilter) -> int:
    """How many cases the selection holds (0 means the page says "no cases")."""
    return count_of(resolve(user, filters))


def count_of(chosen: Selection) -> int:
    return int(run(_count(chosen.shape), chosen.params).scalar_one())


@lru_cache(maxsize=64)
def _per_day(shape: Shape) -> Select[Any]:
    return (select(CASE_DATE, type_coerce(Report.direction, String), func.count())
            .select_from(Report)
            .where(condition(shape)).group_by(CASE_DATE, Report.direction))


@lru_cache(maxsize=64)
def _count(shape: Shape) -> Select[Any]:
    return select(func.count()).select_from(Report).where(condition(shape))
