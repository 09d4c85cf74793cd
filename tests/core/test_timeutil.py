"""Dates as users in Norway mean them, whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from avvik.core.timeutil import add_months, oslo_today


def test_late_evening_utc_is_already_tomorrow_in_oslo():
    assert oslo_today(datetime(2026, 11, 22, 22, 59, tzinfo=UTC)) == date(2026, 11, 22)
    assert oslo_today(datetime(2026, 11, 22, 23, 0, tzinfo=UTC)) == date(2026, 11, 23)
    # Summer time: Oslo is two hours ahead, and New Year's Eve a year ahead.
    assert oslo_today(datetime(2026, 6, 30, 22, 0, tzinfo=UTC)) == date(2026, 7, 1)
    assert oslo_today(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2027, 1, 1)



def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2025, 3, 15), 6) == date(2025, 9, 15)
    assert add_months(date(2025, 12, 1), 1) == date(2026, 1, 1)
    assert add_months(date(2026, 1, 1), -13) == date(2024, 12, 1)
