"""The world of the case tests, and small helpers that file cases into it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from avvik.core.timeutil import OSLO
from avvik.measures.services import MeasureInput, create_measure
from avvik.reports.models import Report
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from tests.reports.world import World

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)



def routed_case(world: World, *, now: datetime = MONDAY, **overrides: object) -> Report:
    """A case filed by the kommune's reporter and routed (to the ward, by the rule)."""
    report = create_draft(world.reporter, world.report_input(**overrides), now=now)
    submit_report(world.reporter, report, now=now)
    assert route_report(report, now=now)
    return report


def measure_input(unit_id: int, **overrides: object) -> MeasureInput:
    values: dict[str, object] = dict(
        title="Sjekkliste for legemiddelliste ved utskrivning",
        description="Sjekklisten brukes ved alle utskrivninger fra sengeposten.",
        owning_unit_id=unit_id, due_date=date(2027, 2, 1))
    values.update(overrides)
    return MeasureInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def case(world: World) -> Report:
    return routed_case(world)


@pytest.fixture
def measure(world: World, case: Report):
    """A measure on ``case`` started by the ward's leader and owned by the ward."""
    return create_measure(world.ward_leader, [case], measure_input(world.ward.id), now=MONDAY)
