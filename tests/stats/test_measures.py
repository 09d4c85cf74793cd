"""Measures on the dashboard: the evaluated ones with their before/after counts."""

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
    linked = make_case(world, event_date=date(2026, 2, 10))
    for day in (date(2026, 1, 5), date(2026, 2, 20), date(2026, 4, 2)):
        make_case(world, event_date=day)  # same category, same receiver
    evaluated = _measure(world, linked, status=MeasureStatus.COMPLETED,
                         start_date=date(2026, 3, 1), evaluated_at=oslo(2026, 6, 1))
    _measure(world, linked)  # not evaluated

    [row] = measure_evaluations(world.admin, YEAR, months=3, today=date(2026, 7, 1))

    assert (row.measure_id, row.title, row.organization_id) == (
        evaluated.id, "Ny sjekkliste ved utskriving", world.hospital.id)
    assert [m.count for m in row.counts.before] == [0, 1, 2]  # December, January, February
    assert [m.count for m in row.counts.after] == [0, 1, 0]  # March, April, May


def test_measures_of_cases_outside_the_viewers_scope_are_not_counted(world):
    case = make_case(world, receiving_unit=world.other_ward)
    _measure(world, case)
    assert measure_summary(world.admin, YEAR, date(2026, 6, 1)).open == 1
    assert measure_summary(world.ward_leader, YEAR, date(2026, 6, 1)).open == 0
    assert measure_summary(world.clinic_leader, YEAR, date(2026, 6, 1)).overdue == 1
    assert measure_evaluations(world.ward_leader, YEAR) == []
