"""Dates as users in Norway mean them, whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from avvik.core.timeutil import oslo_today


def test_late_evening_utc_is_already_tomorrow_in_oslo():
    assert oslo_today(datetime(2026, 11, 22, 22, 59, tzinfo=UTC)) == date(2026, 11, 22)
    assert oslo_today(datetime(2026, 11, 22, 23, 0, tzinfo=UTC)) == date(2026, 11, 23)
    # Summer time: Oslo is two hours ahead, and New Year's Eve a year ahead.
    assert oslo_today(datetime(2026, 6, 30, 22, 0, tzinfo=UTC)) == date(2026, 7, 1)
    assert oslo_today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)

