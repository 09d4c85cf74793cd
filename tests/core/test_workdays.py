"""Working-day arithmetic around Norwegian holidays and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from avvik.core.timeutil import OSLO
from avvik.core.workdays import (
    add_working_days,
    holiday_name,
    is_working_day,
    working_days_between,
)


def oslo(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Easter 2026: Maundy Thursday 2 Apr, Good Friday 3 Apr, Easter Monday 6 Apr.
        (oslo(2026, 4, 1), 1, oslo(2026, 4, 7)),
        (oslo(2026, 3, 31), 2, oslo(2026, 4, 7)),
        # Ascension Day, Thursday 14 May 2026.
        (oslo(2026, 5, 13), 1, oslo(2026, 5, 15)),
        # Whit Monday, 25 May 2026.
        (oslo(2026, 5, 22), 1, oslo(2026, 5, 26)),
        # 1 May 2026 is a Friday.
        (oslo(2026, 4, 30), 1, oslo(2026, 5, 4)),
        # 17 May 2027 is a Monday.
        (oslo(2027, 5, 14), 1, oslo(2027, 5, 18)),
        # Christmas: 24 Dec is a working day, 25 and 26 Dec are not.
        (oslo(2026, 12, 23), 2, oslo(2026, 12, 28)),
        # New Year's Day 2027 is a Friday.
        (oslo(2026, 12, 30), 2, oslo(2027, 1, 4)),
        # A weekend start counts from the next working day.
        (oslo(2026, 11, 21), 1, oslo(2026, 11, 23)),
        # The default answer deadline: 15 working days, no holidays in between.
        (oslo(2026, 11, 23), 15, oslo(2026, 12, 14)),
        (oslo(2026, 11, 23), 0, oslo(2026, 11, 23)),
    ],
)
def test_add_working_days_skips_weekends_and_holidays(start, days, expected):
    assert add_working_days(start, days) == expected
    assert add_working_days(start, days).tzinfo == UTC


def test_counting_backwards_skips_holidays():
    # Five working days before Tuesday 7 April 2026, over Easter.
    # Wed 1, Tue 31, Mon 30 March, Fri 27, Thu 26 (the 2nd, 3rd and 6th are holidays).
    assert add_working_days(oslo(2026, 4, 7), -5) == oslo(2026, 3, 26)


def test_spring_forward_keeps_the_local_time_of_day():
    # Friday 27 March 2026 10:00 is UTC+1; Monday 30 March is already UTC+2.
    due = add_working_days(oslo(2026, 3, 27), 1)
    assert due == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert due.astimezone(OSLO).hour == 10


def test_fall_back_keeps_the_local_time_of_day():
    # Friday 23 October 2026 10:00 is UTC+2; Monday 26 October is UTC+1 again.
    due = add_working_days(oslo(2026, 10, 23), 1)
    assert due == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)


def test_late_evening_utc_counts_from_the_oslo_date():
    # 23:30 UTC on Thursday 19 November 2026 is already Friday 00:30 in Oslo.
    moment = datetime(2026, 11, 19, 23, 30, tzinfo=UTC)
    assert add_working_days(moment, 1).astimezone(OSLO).date() == date(2026, 11, 23)


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 1), date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6),
     date(2026, 5, 1), date(2026, 5, 14), date(2026, 5, 25), date(2027, 5, 17),
     date(2026, 12, 25), date(2026, 12, 26)],
)
def test_public_holidays_are_not_working_days(day):
    assert not is_working_day(day)
    assert holiday_name(day)


def test_ordinary_weekdays_and_christmas_eve_are_working_days():
    assert is_working_day(date(2026, 11, 23))
    assert is_working_day(date(2026, 12, 24))
    assert not is_working_day(date(2026, 11, 22))  # a Sunday


def test_working_days_between_counts_only_working_dates():
    assert working_days_between(oslo(2026, 4, 1), oslo(2026, 4, 7)) == 1
    assert working_days_between(oslo(2026, 4, 7), oslo(2026, 4, 1)) == -1
    assert working_days_between(oslo(2026, 11, 23, 8), oslo(2026, 11, 23, 16)) == 0


@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31),
                       timezones=st.just(UTC)),
    days=st.integers(min_value=1, max_value=60),
)
def test_adding_then_counting_gives_back_the_same_number(start, days):
    due = add_working_days(start, days)
    assert is_working_day(due.astimezone(OSLO).date())
    assert working_days_between(start, due) == days
    assert due > start
    local_start = start.astimezone(OSLO)
    local_due = due.astimezone(OSLO)
    # Wall-clock kept, except where the start time did not exist or was ambiguous.
    if local_start.utcoffset() == local_start.replace(fold=1).utcoffset():
        assert local_due.time().replace(microsecond=0) == \
            local_start.time().replace(microsecond=0)
    assert due - start >= timedelta(days=days)
