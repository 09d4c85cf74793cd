"""Norwegian working days: weekends and public holidays off, counted in Europe/Oslo.

Deadlines keep the wall-clock time of the moment they are counted from: a case routed
on Wednesday 14:05 with two working days to acknowledge is due Friday 14:05 Oslo time,
whatever the daylight-saving offset is on either day. Public holidays come from the
``holidays`` library (Norway, without its option of counting every Sunday as one).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

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
    day = local.date()
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    wall_clock = datetime.combine(day, local.time().replace(tzinfo=None), tzinfo=OSLO)
    return as_utc(wall_clock)


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days from ``start`` to ``end``: the working dates d with start < d <= end.

    Negative when ``end`` is before ``start``; dates are Oslo local dates. Used for
    "working days left" and for answer times in the statistics.
    """
    first = as_utc(start).astimezone(OSLO).date()
    last = as_utc(end).astimezone(OSLO).date()
    if last < first:
        return -working_days_between(end, start)
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count
