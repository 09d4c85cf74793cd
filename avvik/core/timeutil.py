"""Time helpers: everything is stored in UTC and shown in Europe/Oslo."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

OSLO = ZoneInfo("Europe/Oslo")


def utcnow() -> datetime:
    """The current moment, timezone-aware, in UTC (used as a callable column default)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """Treat naive datetimes (as SQLite returns them) as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def to_oslo(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(OSLO)


def oslo_today(now: datetime | None = None) -> date:
    """The date in Norway at ``now`` (default: now), which is what a date field means:
    from 23:00 or 22:00 UTC it is already the next day there, whatever the server's own
    zone says."""
    return (now or utcnow()).astimezone(OSLO).date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier, when negative); the month's last day
    when it has fewer days. The first of a month stays the first."""
    return day + relativedelta(months=months)


def end_of_oslo_week(now: datetime) -> datetime:
    """Midnight between Sunday and Monday in Norway after ``now`` (in UTC): the end of
    "this week" there, whatever the weekday or the clock change."""
    monday = oslo_today(now) + timedelta(days=7 - oslo_today(now).weekday())
    return datetime.combine(monday, time(0), OSLO).astimezone(UTC)
