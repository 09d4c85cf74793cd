"""Durations in Norwegian working days, and their median and 90th percentile.

Working days cannot be counted in SQL (Norwegian public holidays live in the ``holidays``
library), so durations are computed in Python - but not case by case: SQL groups the
cases by the pair (day routed, day acknowledged/answered) and counts them, and Python
counts the working days once per distinct pair (a few thousand pairs for a million
cases), weighting each by its count. PostgreSQL groups by the Oslo date directly;
SQLite has no time zones, so it groups by the UTC hour, which fixes the Oslo date as
well (Oslo's offset is a whole number of hours). Durations are
``avvik.core.workdays.working_days_between``: working dates after the start date up to
and including the end date, so a case answered on the day it was routed took 0 days.

Percentiles use linear interpolation between the closest ranks (R's type 7, numpy's and
PostgreSQL percentile_cont's default): the median of 2 and 3 is 2.5.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, func, select

from avvik.core.timeutil import OSLO
from avvik.core.workdays import working_days_between
from avvik.extensions import db
from avvik.reports.models import Report
from avvik.stats.queries.base import dialect_name


@dataclass(frozen=True)
class DurationStats:
    count: int  #: cases measured
    median: float | None  #: working days; None without cases
    p90: float | None  #: 90th percentile, working days


def duration_stats(days: Counter[int]) -> DurationStats:
    """Median and 90th percentile of durations given as {working days: number of cases}."""
    return DurationStats(sum(days.values()), percentile(days, 0.5), percentile(days, 0.9))


def percentile(values: Counter[int], q: float) -> float | None:
    """The ``q`` quantile (0..1) of weighted values, linear between ranks (R type 7)."""
    n = sum(values.values())
    if n == 0:
        return None
    position = (n - 1) * q
    low, high = math.floor(position), math.ceil(position)
    lower, upper = _value_at(values, low), _value_at(values, high)
    return float(lower + (position - low) * (upper - lower))


def working_day_counts(chosen: ColumnElement[bool], end: ColumnElement,
                       group: ColumnElement | None = None) -> dict[Any, Counter[int]]:
    """{group value: {working days from routing to ``end``: cases}} for the chosen cases
    that have both moments; one group (key None) without ``group``."""
    start_key, end_key = _day_key(Report.routed_at), _day_key(end)
    keys = [start_key, end_key] if group is None else [group, start_key, end_key]
    rows = db.session.execute(
        select(*keys, func.count()).select_from(Report)
        .where(chosen, Report.routed_at.is_not(None), end.is_not(None))
        .group_by(*keys)
    ).all()
    out: dict[Any, Counter[int]] = defaultdict(Counter)
    for row in rows:
        *head, start, finish, count = row
        days = working_days_between(_moment(start), _moment(finish))
        out[head[0] if head else None][days] += count
    return out


def _value_at(values: Counter[int], rank: int) -> int:
    seen = 0
    for value in sorted(values):
        seen += values[value]
        if rank < seen:
            return value
    raise IndexError(rank)


def _day_key(column: ColumnElement) -> ColumnElement[str]:
    if dialect_name() == "postgresql":
        return func.to_char(func.timezone("Europe/Oslo", column), "YYYY-MM-DD")
    return func.strftime("%Y-%m-%d %H", column)


def _moment(key: str) -> datetime:
    if len(key) == 10:  # an Oslo date (PostgreSQL): noon of that day
        return datetime.combine(datetime.fromisoformat(key).date(), time(12), tzinfo=OSLO)
    return datetime.strptime(key, "%Y-%m-%d %H").replace(tzinfo=UTC)  # a UTC hour (SQLite)
