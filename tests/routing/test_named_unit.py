"""The unit the reporter named decides before any rule, and a reopened case stays with
the owner it was forwarded or redirected to (issue #14: orthopaedics, not internal
medicine, answers again)."""

from __future__ import annotations

from sqlalchemy import select

from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.services import (
    answer_report,
    create_draft,
    forward_report,
    mark_answer_delivered,
    reopen_report,
    submit_report,
)
from avvik.routing.services import route_report


def routed(world, clock, **overrides):
    return world.routed_case(clock.now, **overrides)


def test_a_named_unit_wins_over_a_matching_rule(world, clock):
    report = routed(world, clock, receiving_unit_id=world.other_ward.id)  # rule: the ward
    assert (report.responsible_unit_id, report.routing_basis) == (world.other_ward.id,
                                                                  "named_unit")
    assert report.routing_rule_id is None


def test_the_rule_decides_when_the_reporter_left_the_unit_open(world, clock):
    report = routed(world, clock)
    assert (report.responsible_unit_id, report.routing_basis) == (world.ward.id, "rule")


def test_an_inactive_named_unit_leaves_it_to_the_rules(world, clock):
    report = create_draft(world.reporter, world.report_input(
        receiving_unit_id=world.other_ward.id))
    submit_report(world.reporter, report)
    world.other_ward.is_active = False  # closed down before the worker routed it
    assert route_report(report, now=clock.now)
    assert report.routing_basis == "rule"


def test_a_reopened_forwarded_case_stays_with_the_unit_it_was_forwarded_to(world, clock):
    report = routed(world, clock)  # the rule sends it to the ward
    forward_report(world.ward_leader, report, world.other_ward, "Ortopedisk pasient.")
    assert report.responsible_unit_id == world.other_ward.id  # at once, before the worker
    assert route_report(report, forced_unit_id=world.other_ward.id, now=clock.now)
    answer_report(world.other_ward_handler, report, "Årsak", "Tiltak")
    mark_answer_delivered(report)
    reopen_report(world.reporter, report, "Uenig i svaret.")
    message = _routing_jobs(report)[-1]
    assert message.payload["forced_unit_id"] == world.other_ward.id
    assert route_report(report, now=clock.now, **{
        k: v for k, v in message.payload.items() if k != "report_id"})
    assert (report.responsible_unit_id, report.routing_basis) == (world.other_ward.id,
                                                                  "forwarded")


def test_a_reopened_case_routed_by_rule_is_routed_again(world, clock):
    report = routed(world, clock)
    answer_report(world.ward_handler, report, "Årsak", "Tiltak")
    mark_answer_delivered(report)
    reopen_report(world.reporter, report, "Uenig i svaret.")
    assert _routing_jobs(report)[-1].payload["forced_unit_id"] is None


def _routing_jobs(report):
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.task == "reports.route")
                              .order_by(OutboxMessage.id))
    return [row for row in rows if row.payload["report_id"] == report.id]
