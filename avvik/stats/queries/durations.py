"""Durations in Norwegian working days, and their median and 90th percentile.

Working days cannot be counted in SQL (Norwegian public holidays live in the ``holidays``
library), so a case stores them when it is acknowledged and answered:
``Report.acknowledge_working_days`` and ``Report.answer_working_days``, counted by
``avvik.core.workdays.working_days_between`` from the latest routing (working dates after
the routing date up to and including the end date, in Oslo, so a case answered on the day
it was routed took 0 days). They are small integers, so SQL counts the cases per value - a
histogram of a few dozen rows however many cases there are - and the percentiles are
taken from the histogram here, exactly.

Percentiles use linear interpolation between the closest ranks (R's type 7, numpy's and
PostgreSQL percentile_cont's default): the median of 2 and 3 is 2.5.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass


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


def _value_at(values: Counter[int], rank: int) -> int:
    seen = 0
    for value in sorted(values):
        seen += values[value]
        if rank < seen:
            return value
    raise IndexError(rank)
