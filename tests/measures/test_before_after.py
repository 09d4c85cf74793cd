"""The evaluation's monthly counts before and after a measure started, against known data."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from avvik.core.timeutil import OSLO
from avvik.measures import queries
from avvik.measures.models import MeasureStatus
from avvik.measures.queries import category_counts_before_after, counts_before_after
from avvik.measures.services import create_measure
from avvik.reports.services import create_draft, submit_report, withdraw_report
from tests.measures.conftest import measure_input, routed_case
from tests.sql_log import data_verbs, recorded_sql

FILED = datetime(2026, 8, 10, 9, 0, tzinfo=OSLO)

#: Medication-list cases to the hospital, by event date: what the measure aimed at.
COUNTED = [date(2025, 12, 3), date(2025, 12, 30), date(2026, 2, 1), date(2026, 2, 14),
           date(2026, 2, 28), date(2026, 4, 9), date(2026, 6, 30)]
#: Like them, but outside the window (Nov 2025, July 2026) or in the start month (March).
OUTSIDE = [date(2025, 11, 30), date(2026, 3, 2), date(2026, 3, 20), date(2026, 7, 1)]


@pytest.fixture
def measure(world):
    for day in COUNTED + OUTSIDE:
        routed_case(world, now=FILED, event_date=day, discovered_date=day)
    # Not counted: another category, another receiving organisation, a draft, a withdrawal.
    routed_case(world, now=FILED, event_date=date(2026, 2, 2), discovered_date=None,
                category_id=world.other.id)
    hospital_report = world.report_input(
        reporting_unit_id=world.ward.id, receiving_organization_id=world.kommune.id,
        event_date=date(2026, 2, 3), discovered_date=None)
    submit_report(world.ward_handler,
                  create_draft(world.ward_handler, hospital_report, now=FILED), now=FILED)
    create_draft(world.reporter,
                 world.report_input(event_date=date(2026, 2, 4), discovered_date=None),
                 now=FILED)
    withdrawn = create_draft(world.reporter, world.report_input(event_date=date(2026, 2, 5),
                                                               discovered_date=None),
                             now=FILED)
    withdraw_report(world.reporter, submit_report(world.reporter, withdrawn, now=FILED),
                    now=FILED)

    first = routed_case(world, now=FILED, event_date=date(2025, 12, 10), discovered_date=None)
    return create_measure(world.ward_leader, [first], measure_input(
        world.ward.id, status=MeasureStatus.IN_PROGRESS, start_date=date(2026, 3, 15)))


def series(months) -> list[tuple[str, int]]:
    return [(f"{m.month:%Y-%m}", m.count) for m in months]


def test_counts_per_month_before_and_after_the_start(measure):
    result = category_counts_before_after(measure, months=3, today=date(2026, 8, 10))
    # December holds the measure's own case too (three reports).
    assert series(result.before) == [("2025-12", 3), ("2026-01", 0), ("2026-02", 3)]
    assert series(result.after) == [("2026-04", 1), ("2026-05", 0), ("2026-06", 1)]
    assert (result.total_before, result.total_after) == (6, 2)
    assert result.mean_before == 2 and result.mean_after == pytest.approx(2 / 3)
    assert result.category_names == ["Legemiddelliste mangler"]


def test_a_start_on_the_first_makes_that_month_the_first_after(measure):
    measure.start_date = date(2026, 3, 1)
    result = category_counts_before_after(measure, months=2, today=date(2026, 8, 10))
    assert series(result.before) == [("2026-01", 0), ("2026-02", 3)]
    assert series(result.after) == [("2026-03", 2), ("2026-04", 1)]


def test_only_months_that_have_ended_count_as_after(measure):
    result = category_counts_before_after(measure, months=6, today=date(2026, 5, 20))
    assert series(result.after) == [("2026-04", 1)]
    assert len(result.before) == 6 and result.before[0].month == date(2025, 9, 1)


def test_a_measure_without_a_start_date_has_no_counts(world, measure):
    measure.start_date = None
    assert category_counts_before_after(measure) is None


def test_several_measures_are_counted_together_as_each_alone(world, measure):
    [first] = measure.reports
    later = create_measure(world.ward_leader, [first], measure_input(
        world.ward.id, status=MeasureStatus.IN_PROGRESS, start_date=date(2026, 5, 1)))
    unstarted = create_measure(world.ward_leader, [first], measure_input(world.ward.id))
    today = date(2026, 8, 10)
    starts = {measure.id: measure.start_date, later.id: later.start_date}

    with recorded_sql() as statements:
        together = counts_before_after(starts, months=3, today=today)
    assert len(data_verbs(statements)) == 2  # the counts of both, and their categories

    assert together == {m.id: category_counts_before_after(m, months=3, today=today)
                        for m in (measure, later)}
    # The same kind of case, another window: February to April, March's two included.
    assert series(together[later.id].before) == [("2026-02", 3), ("2026-03", 2),
                                                 ("2026-04", 1)]
    assert series(together[later.id].after) == [("2026-05", 0), ("2026-06", 1),
                                                ("2026-07", 1)]
    assert unstarted.id not in together
    assert counts_before_after({}) == {}


def test_many_measures_are_counted_twenty_to_a_statement(world, measure, monkeypatch):
    monkeypatch.setattr(queries, "MAX_PARTS", 2)
    [first] = measure.reports
    others = [create_measure(world.ward_leader, [first], measure_input(
        world.ward.id, status=MeasureStatus.IN_PROGRESS, start_date=date(2026, m, 1)))
        for m in (4, 5)]
    today = date(2026, 8, 10)
    starts = {m.id: m.start_date for m in (measure, *others)}

    with recorded_sql() as statements:
        together = counts_before_after(starts, months=3, today=today)
    assert len(data_verbs(statements)) == 3  # two statements of counts, one of names

    assert together == {m.id: category_counts_before_after(m, months=3, today=today)
                        for m in (measure, *others)}
