"""The working days a case stores when it is acknowledged and answered, for the dashboards.

Counted from the latest routing in Oslo dates, holidays off; a new round (forwarded or
reopened) is measured afresh. The values are read back from the database.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.reports.models import Report
from avvik.reports.services import (
    acknowledge_report,
    answer_report,
    create_draft,
    forward_report,
    reopen_report,
    submit_report,
)
from avvik.routing.services import route_report


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO)


def routed_at(world, moment: datetime) -> Report:
    data = world.report_input(event_date=date(2026, 1, 5), discovered_date=date(2026, 1, 5))
    report = create_draft(world.reporter, data, now=moment)
    submit_report(world.reporter, report, now=moment)
    assert route_report(report, now=moment)
    return report


def stored(report: Report) -> tuple[int | None, int | None]:
    db.session.expire(report)
    return report.acknowledge_working_days, report.answer_working_days


def test_acknowledged_and_answered_across_easter(world):
    # Wednesday 1 April 2026; Maundy Thursday, Good Friday and Easter Monday are holidays.
    report = routed_at(world, oslo(2026, 4, 1, 10))
    assert stored(report) == (None, None)
    acknowledge_report(world.ward_handler, report, now=oslo(2026, 4, 7, 9))
    assert stored(report) == (1, None)
    answer_report(world.ward_handler, report, "Årsak", "Tiltak", now=oslo(2026, 4, 9, 15))
    assert stored(report) == (1, 3)


def test_answering_unacknowledged_counts_both_across_ascension_day(world):
    # Wednesday 13 May 2026; Thursday 14 May is Ascension Day.
    report = routed_at(world, oslo(2026, 5, 13, 14))
    answer_report(world.ward_handler, report, "Årsak", "Tiltak", now=oslo(2026, 5, 19, 9))
    assert stored(report) == (3, 3)


def test_over_christmas_and_new_year_into_the_next_year(world):
    # Christmas Day, Boxing Day and New Year's Day are holidays; 24 and 31 December not.
    report = routed_at(world, oslo(2026, 12, 23, 12))
    acknowledge_report(world.ward_handler, report, now=oslo(2026, 12, 28, 8))
    answer_report(world.ward_handler, report, "Årsak", "Tiltak", now=oslo(2027, 1, 4, 13))
    assert stored(report) == (2, 6)


def test_the_same_oslo_day_is_zero_days_even_across_utc_midnight(world):
    # Monday 23:30 UTC is Tuesday 00:30 in Oslo: answered Tuesday afternoon, 0 days.
    report = routed_at(world, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    answer_report(world.ward_handler, report, "Årsak", "Tiltak", now=oslo(2026, 3, 3, 15))
    assert stored(report) == (0, 0)


def test_a_forwarded_case_is_measured_from_its_new_routing(world):
    report = routed_at(world, oslo(2026, 3, 2, 9))  # Monday
    acknowledge_report(world.ward_handler, report, now=oslo(2026, 3, 4, 9))
    assert stored(report) == (2, None)
    forward_report(world.ward_handler, report, world.other_ward, "Gjelder kirurgisk pasient")
    assert stored(report) == (None, None)
    assert route_report(report, forced_unit_id=world.other_ward.id, now=oslo(2026, 3, 5, 9))
    answer_report(world.other_ward_handler, report, "Årsak", "Tiltak",
                  now=oslo(2026, 3, 9, 9))  # the next Monday
    assert stored(report) == (2, 2)


def test_a_reopened_case_is_measured_afresh(world):
    report = routed_at(world, oslo(2026, 3, 2, 9))
    answer_report(world.ward_handler, report, "Årsak", "Tiltak", now=oslo(2026, 3, 6, 9))
    assert stored(report) == (4, 4)
    reopen_report(world.reporter, report, "Svaret forklarer ikke årsaken.")
    assert stored(report) == (None, None)
    assert route_report(report, now=oslo(2026, 3, 10, 9))
    acknowledge_report(world.ward_handler, report, now=oslo(2026, 3, 10, 11))
    answer_report(world.ward_handler, report, "Ny årsak", "Nye tiltak",
                  now=oslo(2026, 3, 11, 9))
    assert stored(report) == (0, 1)
