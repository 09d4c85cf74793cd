"""A measure's evaluation: the owning unit's monthly cases and rates before and after its
start, and the Anhøj rules on the months after against the median before."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from avvik.core.timeutil import OSLO
from avvik.discharges.models import DischargeCount
from avvik.extensions import db
from avvik.measures import evaluation
from avvik.measures.evaluation import Evaluation, MonthRate, evaluate, evaluate_measure
from avvik.measures.models import MeasureStatus
from avvik.measures.services import create_measure
from avvik.reports.services import create_draft, submit_report, withdraw_report
from tests.measures.conftest import measure_input, routed_case
from tests.sql_log import data_verbs, recorded_sql

FILED = datetime(2026, 8, 10, 9, 0, tzinfo=OSLO)
TODAY = date(2026, 8, 10)

#: Medication-list cases routed to the ward, by event date: what the measure aimed at.
#: The first (November 2025) is the first case in the database: no month before it counts.
COUNTED = [date(2025, 11, 30), date(2025, 12, 3), date(2025, 12, 30), date(2026, 2, 1),
           date(2026, 2, 14), date(2026, 2, 28), date(2026, 4, 9), date(2026, 6, 30),
           date(2026, 7, 1)]
#: Like them, but in the start month (March): in neither period.
START_MONTH = [date(2026, 3, 2), date(2026, 3, 20)]


@pytest.fixture
def measure(world):
    for day in COUNTED + START_MONTH:
        routed_case(world, now=FILED, event_date=day, discovered_date=day)
    # Not counted: another category, a draft, a withdrawal, another unit's case.
    routed_case(world, now=FILED, event_date=date(2026, 2, 2), discovered_date=None,
                category_id=world.other.id)
    create_draft(world.reporter,
                 world.report_input(event_date=date(2026, 2, 4), discovered_date=None),
                 now=FILED)
    withdrawn = create_draft(world.reporter, world.report_input(
        event_date=date(2026, 2, 5), discovered_date=None), now=FILED)
    withdraw_report(world.reporter, submit_report(world.reporter, withdrawn, now=FILED),
                    now=FILED)
    elsewhere = routed_case(world, now=FILED, event_date=date(2026, 2, 6),
                            discovered_date=None)
    elsewhere.responsible_unit_id = world.other_ward.id  # the other ward's case
    first = routed_case(world, now=FILED, event_date=date(2025, 12, 10), discovered_date=None)
    db.session.flush()
    return create_measure(world.ward_leader, [first], measure_input(
        world.ward.id, status=MeasureStatus.IN_PROGRESS, start_date=date(2026, 3, 15)))


def series(months: list[MonthRate]) -> list[tuple[str, int]]:
    return [(f"{m.month:%Y-%m}", m.count) for m in months]


def test_the_owning_units_cases_per_month_from_the_first_month_with_data(measure):
    result = evaluate_measure(measure, today=TODAY)
    # December holds the measure's own case too; nothing before November 2025, the
    # first month with any case; March, the start month, is in neither period.
    assert series(result.before) == [("2025-11", 1), ("2025-12", 3), ("2026-01", 0),
                                     ("2026-02", 3)]
    assert series(result.after) == [("2026-04", 1), ("2026-05", 0), ("2026-06", 1),
                                    ("2026-07", 1)]
    assert result.category_names == ["Legemiddelliste mangler"]
    assert not result.uses_rates
    assert result.median_before == 2 and result.median_after == 1


def test_the_other_side_counts_for_a_unit_that_reported_the_cases(world, measure):
    measure.owning_unit_id = world.home_care_district.id  # the reporting unit
    result = evaluate_measure(measure, today=TODAY)
    # Every medication case was reported by the district, the other ward's one too.
    assert series(result.before)[-1] == ("2026-02", 4)


def test_rates_per_100_discharges_where_every_month_has_a_figure(world, measure):
    for n, month in enumerate([date(2025, 11, 1), date(2025, 12, 1), *(
            date(2026, m, 1) for m in range(1, 8))]):
        db.session.add(DischargeCount(unit_id=world.ward.id, month=month, count=50 + n,
                                      registered_by_id=world.ward_leader.id))
    db.session.flush()
    result = evaluate_measure(measure, today=TODAY)
    assert result.uses_rates
    assert [m.rate for m in result.before] == [2.0, 5.9, 0.0, 5.7]  # 1/50, 3/51, 0, 3/53
    assert result.median_before == pytest.approx((2.0 + 5.7) / 2)
    # One month without its figure: counts are compared, not a mix.
    db.session.delete(db.session.query(DischargeCount).filter_by(
        month=date(2026, 5, 1)).one())
    db.session.flush()
    assert not evaluate_measure(measure, today=TODAY).uses_rates


def test_a_start_on_the_first_makes_that_month_the_first_after(measure):
    measure.start_date = date(2026, 3, 1)
    result = evaluate_measure(measure, today=TODAY)
    assert series(result.after)[:2] == [("2026-03", 2), ("2026-04", 1)]


def test_only_months_that_have_ended_count_as_after(measure):
    result = evaluate_measure(measure, today=date(2026, 5, 20))
    assert series(result.after) == [("2026-04", 1)]


def test_a_measure_without_a_start_date_has_no_evaluation(measure):
    measure.start_date = None
    assert evaluate_measure(measure) is None


def test_several_measures_are_evaluated_together_as_each_alone(world, measure, monkeypatch):
    monkeypatch.setattr(evaluation, "MAX_PARTS", 2)
    [first] = measure.reports
    others = [create_measure(world.ward_leader, [first], measure_input(
        world.ward.id, status=MeasureStatus.IN_PROGRESS, start_date=date(2026, m, 1)))
        for m in (4, 5)]
    wanted = {m.id: (m.start_date, m.owning_unit_id) for m in (measure, *others)}
    with recorded_sql() as statements:
        together = evaluate(wanted, today=TODAY)
    # first case, two statements of counts, discharges, category names
    assert len(data_verbs(statements)) == 5
    assert together == {m.id: evaluate_measure(m, today=TODAY) for m in (measure, *others)}
    assert evaluate({}) == {}


def months(values: list[int], first: date) -> list[MonthRate]:
    return [MonthRate(date(first.year + (first.month - 1 + i) // 12,
                           (first.month - 1 + i) % 12 + 1, 1), v)
            for i, v in enumerate(values)]


def test_a_drop_after_the_start_is_a_signal_against_the_median_before():
    # A year around 10 a month, then eight months all below that median.
    before = months([10, 11, 9, 12, 10, 8, 11, 13, 9, 10, 12, 9], date(2025, 1, 1))
    after = months([7, 6, 8, 5, 7, 6, 9, 6], date(2026, 1, 1))
    found = Evaluation(1, 1, date(2025, 12, 20), [], before, after)
    assert found.median_before == 10
    chart = found.chart
    assert chart.median == 10 and chart.enough_data
    [signal] = [s for s in chart.signals if s.kind == "long_run"]
    assert (signal.value, signal.side, signal.limit) == (8, "below", 6)


def test_months_after_that_vary_around_the_old_median_raise_no_signal():
    before = months([10, 11, 9, 12, 10, 8, 11, 13, 9, 10, 12, 9], date(2025, 1, 1))
    after = months([12, 8, 11, 9, 13, 7, 11, 9], date(2026, 1, 1))
    chart = Evaluation(1, 1, date(2025, 12, 20), [], before, after).chart
    assert chart.enough_data and chart.signals == []


def test_six_months_after_are_too_few_for_the_rules():
    before = months([10] * 6 + [12] * 6, date(2025, 1, 1))
    chart = Evaluation(1, 1, date(2025, 12, 20), [], before,
                       months([1] * 6, date(2026, 1, 1))).chart
    assert not chart.enough_data and chart.signals == []
