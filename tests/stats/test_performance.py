"""Answer performance in working days (across Easter), deadlines, escalations, feedback."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from avvik.reports.models import ReportStatus
from avvik.reports.services import (
    acknowledge_report,
    answer_report,
    create_draft,
    forward_report,
    submit_report,
)
from avvik.routing.services import route_report
from avvik.stats.filters import StatsFilter
from avvik.stats.queries import (
    answer_performance,
    answer_performance_by_organization,
    escalations_per_level,
    feedback,
    open_and_overdue_per_unit,
    percentile,
)
from tests.stats.data import make_case, oslo

PERIOD = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))
ANSWERED = ReportStatus.ANSWERED


def test_percentiles_interpolate_linearly_between_ranks():
    assert percentile(Counter(), 0.5) is None
    assert percentile(Counter({4: 1}), 0.9) == 4
    assert percentile(Counter({2: 1, 3: 1}), 0.5) == 2.5
    # 1..10: the 90th percentile sits at rank 8.1 (0-based), between 9 and 10
    assert percentile(Counter(range(1, 11)), 0.9) == pytest.approx(9.1)
    assert percentile(Counter({1: 3, 10: 1}), 0.5) == 1


def test_working_days_to_answer_skip_the_easter_holidays(world):
    # Routed Wednesday 1 April 2026; Maundy Thursday, Good Friday and Easter Monday are
    # holidays, so Tuesday 7 April is one working day later, not six calendar days.
    make_case(world, status=ANSWERED, routed_at=oslo(2026, 4, 1, 10),
              acknowledged_at=oslo(2026, 4, 7, 9), answered_at=oslo(2026, 4, 7, 15),
              answer_due_at=oslo(2026, 4, 24, 10))

    result = answer_performance(world.admin, PERIOD)

    assert (result.acknowledge.count, result.acknowledge.median) == (1, 1)
    assert (result.answer.count, result.answer.median, result.answer.p90) == (1, 1, 1)


def test_the_figures_count_what_the_services_stored_from_the_latest_routing(world):
    def routed(moment):
        data = world.report_input(event_date=date(2026, 1, 5), discovered_date=date(2026, 1, 5))
        report = submit_report(world.reporter, create_draft(world.reporter, data, now=moment),
                               now=moment)
        assert route_report(report, now=moment)
        return report

    easter = routed(oslo(2026, 4, 1, 10))  # answered one working day later, over Easter
    acknowledge_report(world.ward_handler, easter, now=oslo(2026, 4, 7, 9))
    answer_report(world.ward_handler, easter, "Årsak", "Tiltak", now=oslo(2026, 4, 7, 15))
    forwarded = routed(oslo(2026, 3, 2, 9))  # acknowledged after 2 days, then forwarded
    acknowledge_report(world.ward_handler, forwarded, now=oslo(2026, 3, 4, 9))
    forward_report(world.ward_handler, forwarded, world.other_ward, "Kirurgisk pasient")
    assert route_report(forwarded, forced_unit_id=world.other_ward.id,
                        now=oslo(2026, 3, 5, 9))
    answer_report(world.other_ward_handler, forwarded, "Årsak", "Tiltak",
                  now=oslo(2026, 3, 11, 9))  # 4 working days after the new routing

    result = answer_performance(world.admin, PERIOD)

    assert (result.acknowledge.count, result.acknowledge.median) == (2, 2.5)  # 1 and 4
    assert (result.answer.count, result.answer.median) == (2, 2.5)
    assert (result.answered, result.answered_in_time) == (2, 2)


def test_median_and_90th_percentile_of_working_days(world):
    start = oslo(2026, 3, 2, 9)  # a Monday
    # answered after 0, 1, 2, 3, 4 (Friday) and 5 (next Monday) working days
    for day in (2, 3, 4, 5, 6, 9):
        make_case(world, status=ANSWERED, routed_at=start,
                  answered_at=oslo(2026, 3, day, 14), answer_due_at=oslo(2026, 3, 23, 9))
    make_case(world, status=ReportStatus.ROUTED, routed_at=start)  # not answered: not measured

    answer = answer_performance(world.admin, PERIOD).answer

    assert answer.count == 6
    assert answer.median == 2.5
    assert answer.p90 == pytest.approx(4.5)


def test_days_count_in_oslo_time_not_utc(world):
    # Monday 23:30 UTC is Tuesday in Oslo: answered on Tuesday, 0 working days (UTC: 1).
    make_case(world, status=ANSWERED, routed_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
              answered_at=oslo(2026, 3, 3, 15), answer_due_at=oslo(2026, 3, 24, 8))
    # Tuesday 23:30 UTC is Wednesday in Oslo: 2 working days after Monday (UTC: 1).
    make_case(world, status=ANSWERED, routed_at=oslo(2026, 3, 2, 9),
              answered_at=datetime(2026, 3, 3, 23, 30, tzinfo=UTC),
              answer_due_at=oslo(2026, 3, 24, 8))

    answer = answer_performance(world.admin, PERIOD).answer

    assert (answer.median, answer.p90) == (1, pytest.approx(1.8))  # of 0 and 2, not 1 and 1


def test_share_answered_within_the_deadline(world):
    due = oslo(2026, 3, 20, 12)
    make_case(world, status=ANSWERED, routed_at=oslo(2026, 3, 2, 9),
              answered_at=due, answer_due_at=due)  # on the dot counts as in time
    make_case(world, status=ReportStatus.CLOSED, routed_at=oslo(2026, 3, 2, 9),
              answered_at=oslo(2026, 3, 19, 9), answer_due_at=due,
              answer_delivered_at=oslo(2026, 3, 19, 9), closed_at=oslo(2026, 3, 20, 9))
    make_case(world, status=ANSWERED, routed_at=oslo(2026, 3, 2, 9),
              answered_at=oslo(2026, 3, 20, 12, 1), answer_due_at=due)
    make_case(world, status=ReportStatus.ACKNOWLEDGED, answer_due_at=due)

    result = answer_performance(world.admin, PERIOD)

    assert (result.answered, result.answered_in_time) == (3, 2)
    assert result.within_deadline_share == pytest.approx(2 / 3)


def test_nothing_answered_gives_no_share_rather_than_zero(world):
    result = answer_performance(world.admin, PERIOD)
    assert result.within_deadline_share is None
    assert result.answer.median is None and result.answer.count == 0


def test_open_and_overdue_cases_per_unit(world):
    now = oslo(2026, 6, 1, 12)
    past, future = oslo(2026, 5, 1, 12), oslo(2026, 7, 1, 12)
    make_case(world, status=ReportStatus.ROUTED, answer_due_at=past,
              acknowledge_due_at=past)
    make_case(world, status=ReportStatus.ACKNOWLEDGED, answer_due_at=future)
    make_case(world, status=ReportStatus.ROUTED, answer_due_at=future,
              acknowledge_due_at=past)  # not acknowledged in time: overdue too
    make_case(world, status=ANSWERED, answer_due_at=past)  # answered: not open
    make_case(world, status=ReportStatus.ACKNOWLEDGED, receiving_unit=world.other_ward,
              answer_due_at=future)
    make_case(world, status=ReportStatus.SUBMITTED, responsible=False)  # not routed yet

    loads = open_and_overdue_per_unit(world.admin, PERIOD, now)

    assert [(u.unit_id, u.open, u.overdue) for u in loads] == [
        (world.ward.id, 3, 2), (world.other_ward.id, 1, 0), (None, 1, 0)]
    assert loads[2].label == "Testvik sykehus HF: no unit (with the coordinators)"


def test_escalations_count_the_cases_that_reached_each_level(world):
    for level in (0, 1, 1, 2, 3, 3, 3):
        make_case(world, escalation_level=level)
    assert [(e.level, e.count) for e in escalations_per_level(world.admin, PERIOD)] == [
        (1, 6), (2, 4), (3, 3)]


def test_feedback_share_of_closed_and_answered_cases_whose_answer_arrived(world):
    delivered = oslo(2026, 3, 5, 9)
    make_case(world, status=ReportStatus.CLOSED, answer_delivered_at=delivered)
    make_case(world, status=ReportStatus.CLOSED, answer_delivered_at=delivered)
    make_case(world, status=ReportStatus.CLOSED)  # closed without delivery: bad data
    make_case(world, status=ANSWERED, answer_delivered_at=delivered)
    make_case(world, status=ANSWERED)
    make_case(world, status=ReportStatus.ROUTED)

    result = feedback(world.admin, PERIOD)

    assert (result.closed, result.closed_delivered, result.answered,
            result.answered_delivered) == (3, 2, 5, 3)
    assert result.closed_share == pytest.approx(2 / 3)
    assert result.answered_share == pytest.approx(3 / 5)


def test_answer_performance_per_receiving_organisation(world):
    start = oslo(2026, 3, 2, 9)  # a Monday
    for day in (3, 5):  # 1 and 3 working days, the hospital answering
        make_case(world, status=ANSWERED, routed_at=start, acknowledged_at=start,
                  answered_at=oslo(2026, 3, day, 9), answer_due_at=oslo(2026, 3, 4, 9))
    make_case(world, status=ANSWERED, reporting_unit=world.ward,
              receiving_unit=world.home_care, routed_at=start,
              answered_at=oslo(2026, 3, 9, 9), answer_due_at=oslo(2026, 3, 20, 9))

    rows = answer_performance_by_organization(world.admin, PERIOD)

    assert [(r.label, r.performance.answer.count, r.performance.answer.median,
             r.performance.acknowledge.count, r.performance.answered_in_time)
            for r in rows] == [("Testvik kommune", 1, 5, 0, 1),
                               ("Testvik sykehus HF", 2, 2, 2, 1)]
    assert rows[1].performance.within_deadline_share == 0.5
