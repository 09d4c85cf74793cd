"""Measures on the dashboard: the evaluated ones with their before/after months, and the
yearly report's measures (those that started in its year)."""

from __future__ import annotations

from datetime import date

from avvik.extensions import db
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.stats.filters import StatsFilter
from avvik.stats.queries import measure_evaluations, measure_summary
from tests.stats.data import make_case, oslo

YEAR = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))


def _measure(world, report, **fields) -> Measure:
    measure = Measure(title="Ny sjekkliste ved utskriving", owning_unit_id=world.ward.id,
                      created_by_id=world.admin.id, due_date=date(2026, 4, 1), **fields)
    measure.links.append(MeasureReport(report_id=report.id, linked_by_id=world.admin.id))
    db.session.add(measure)
    db.session.flush()
    return measure


def test_evaluated_measures_come_with_their_monthly_counts_before_and_after(world):
    make_case(world, event_date=date(2025, 12, 20))  # the first month with data
    linked = make_case(world, event_date=date(2026, 2, 10))
    for day in (date(2026, 1, 5), date(2026, 2, 20), date(2026, 4, 2)):
        make_case(world, event_date=day)  # same category, same unit
    make_case(world, event_date=date(2026, 4, 3), receiving_unit=world.other_ward)
    evaluated = _measure(world, linked, status=MeasureStatus.COMPLETED,
                         start_date=date(2026, 3, 1), evaluated_at=oslo(2026, 6, 1))
    _measure(world, linked)  # not evaluated

    [row] = measure_evaluations(world.admin, YEAR, today=date(2026, 7, 1))

    assert (row.measure_id, row.title, row.organization_id) == (
        evaluated.id, "Ny sjekkliste ved utskriving", world.hospital.id)
    # December to February (nothing before the first data), then March to June.
    assert [m.count for m in row.evaluation.before] == [1, 1, 2]
    assert [m.count for m in row.evaluation.after] == [0, 1, 0, 0]  # not the other ward's


def test_the_yearly_selection_lists_measures_by_the_year_they_started(world):
    from avvik.stats.queries.base import resolve
    from avvik.stats.queries.measures import evaluations_of

    linked = make_case(world, event_date=date(2025, 11, 10))
    started_2025 = _measure(world, linked, start_date=date(2025, 12, 1))
    _measure(world, linked, start_date=date(2026, 1, 5))  # next year's
    _measure(world, linked)  # not started
    wide = StatsFilter(date(2021, 1, 1), date(2025, 12, 31))
    found = evaluations_of(resolve(world.admin, wide), today=date(2026, 7, 1),
                           started=(date(2025, 1, 1), date(2025, 12, 31)))
    assert [(e.measure_id, e.evaluated) for e in found] == [(started_2025.id, False)]


def test_measures_of_cases_outside_the_viewers_scope_are_not_counted(world):
    case = make_case(world, receiving_unit=world.other_ward)
    _measure(world, case)
    assert measure_summary(world.admin, YEAR, date(2026, 6, 1)).open == 1
    assert measure_summary(world.ward_leader, YEAR, date(2026, 6, 1)).open == 0
    assert measure_summary(world.clinic_leader, YEAR, date(2026, 6, 1)).overdue == 1
    assert measure_evaluations(world.ward_leader, YEAR) == []
