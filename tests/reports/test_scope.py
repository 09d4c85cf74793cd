"""Who sees a case: the two sides and administrators, nobody else, at every stage."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.reports.models import Report
from avvik.reports.scope import can_view, visible_condition
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)

SEES_ROUTED = {"reporter", "kommune_leader", "kommune_coordinator", "ward_handler",
               "ward_leader", "clinic_leader", "hospital_coordinator", "admin"}
ALL = SEES_ROUTED | {"other_ward_handler", "outsider"}


def visible_count(user) -> int:
    return db.session.execute(
        select(func.count()).select_from(Report).where(visible_condition(user))
    ).scalar_one()


@pytest.mark.parametrize("who", sorted(ALL))
def test_a_routed_case_is_seen_by_both_sides_only(world, who):
    report = create_draft(world.reporter, world.report_input(), now=MONDAY)
    submit_report(world.reporter, report, now=MONDAY)
    route_report(report, now=MONDAY)
    user = getattr(world, who)
    assert can_view(user, report) is (who in SEES_ROUTED)
    assert visible_count(user) == (1 if who in SEES_ROUTED else 0)


@pytest.mark.parametrize("who", sorted(ALL))
def test_a_draft_is_the_reporters_alone(world, who):
    report = create_draft(world.reporter, world.report_input(), now=MONDAY)
    assert can_view(getattr(world, who), report) is (who in {"reporter", "admin"})


@pytest.mark.parametrize("who", sorted(ALL))
def test_awaiting_approval_is_seen_on_the_reporting_side_only(world, who):
    world.kommune.is_approval_required = True
    report = create_draft(world.reporter, world.report_input(), now=MONDAY)
    submit_report(world.reporter, report, now=MONDAY)
    expected = who in {"reporter", "kommune_leader", "kommune_coordinator", "admin"}
    assert can_view(getattr(world, who), report) is expected


def test_before_routing_the_receiving_coordinators_see_it_but_no_unit_does(world):
    report = create_draft(world.reporter, world.report_input(), now=MONDAY)
    submit_report(world.reporter, report, now=MONDAY)
    assert can_view(world.hospital_coordinator, report)
    assert not can_view(world.ward_handler, report)
