"""Norwegian working days: weekends and public holidays off, counted in Europe/Oslo.

Deadlines keep the wall-clock time of the moment they are counted from: a case routed
on Wednesday 14:05 with two working days to acknowledge is due Friday 14:05 Oslo time,
whatever the daylight-saving offset is on either day. Public holidays come from the
``holidays`` library (Norway, without its option of counting every Sunday as one).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache, lru_cache

import holidays

from avvik.core.timeutil import OSLO, as_utc


@cache
def _norwegian_holidays(year: int) -> holidays.HolidayBase:
    # Norwegian names ("Skjærtorsdag"), shown when a deadline skips a holiday.
    return holidays.Norway(years=year, include_sundays=False, language="no")


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Norwegian public holiday."""
    return day.weekday() < 5 and day not in _norwegian_holidays(day.year)


def holiday_name(day: date) -> str | None:
    return _norwegian_holidays(day.year).get(day)


def add_working_days(moment: datetime, days: int) -> datetime:
    """The moment ``days`` working days after (or, if negative, before) ``moment``.

    The local date moves to the n-th working day, the local time of day is kept, and
    the result is returned in UTC. Day 1 is the first working day after the moment's
    local date, so a report filed on a Saturday is due the same as one filed on Friday.
    """
    local = as_utc(moment).astimezone(OSLO)
    day = _nth_working_day(local.date(), days)
    wall_clock = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=OSLO)
    return as_utc(wall_clock)


# Cached: the escalation sweep asks this for every open case, and the open cases share a
# few dozen dates; each answer costs a walk through the calendar and its holidays.
@lru_cache(maxsize=16384)
def _nth_working_day(day: date, days: int) -> date:
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days from ``start`` to ``end``: the working dates d with start < d <= end.

    Negative when ``end`` is before ``start``; dates are Oslo local dates. Used for
    "working days left" and for answer times in the statistics.
    """
    first = as_utc(start).astimezone(OSLO).date()
    last = as_utc(end).astimezone(OSLO).date()
    if last < first:
        return -working_days_between(end, start)
    # From each year's running count, not day by day: the dashboards measure the answer
    # times of a million cases with this.
    if first.year == last.year:
        return _running_count(last) - _running_count(first)
    between = sum(_running_count(date(year, 12, 31)) for year in range(first.year + 1,
                                                                        last.year))
    return (_running_count(date(first.year, 12, 31)) - _running_count(first) + between
            + _running_count(last))


def _running_count(day: date) -> int:
    """Working days from 1 January of ``day``'s year up to ``day``, inclusive."""
    return _running_counts(day.year)[day.timetuple().tm_yday - 1]


@lru_cache(maxsize=512)
def _running_counts(year: int) -> tuple[int, ...]:
    counts, total, day = [], 0, date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        if day == date.max:
            break
        day += timedelta(days=1)
    return tuple(counts)
