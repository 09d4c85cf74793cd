"""The life of a case through the services: every step, and the ones not allowed."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from avvik.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.models import Direction, ReportStatus
from avvik.reports.services import (
    acknowledge_report,
    add_comment,
    answer_report,
    approve_report,
    close_report,
    create_draft,
    forward_report,
    mark_answer_delivered,
    reopen_report,
    submit_report,
    withdraw_report,
)
from avvik.routing.services import route_report

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


def submitted(world, **overrides):
    report = create_draft(world.reporter, world.report_input(**overrides), now=MONDAY)
    return submit_report(world.reporter, report, now=MONDAY)


def routed(world, **overrides):
    report = submitted(world, **overrides)
    assert route_report(report, now=MONDAY)
    return report


def outbox_tasks() -> list[str]:
    return list(db.session.execute(select(OutboxMessage.task).order_by(OutboxMessage.id))
                .scalars())


def test_submitting_gives_a_case_number_direction_and_asks_for_routing(world):
    report = submitted(world)
    assert report.status == ReportStatus.SUBMITTED
    assert report.case_number == "SA-2026-00001"
    assert report.direction == Direction.MUNICIPALITY_TO_HOSPITAL
    assert outbox_tasks() == ["reports.route"]
    assert submitted(world).case_number == "SA-2026-00002"


def test_a_draft_may_be_incomplete_but_a_submission_may_not(world):
    draft = create_draft(world.reporter, world.report_input(agreement_id=None, description=""),
                         now=MONDAY)
    assert draft.status == ReportStatus.DRAFT and draft.case_number is None
    with pytest.raises(ValidationFailed) as failure:
        submit_report(world.reporter, draft, now=MONDAY)
    assert {field for field, _ in failure.value.errors} == {"agreement_id", "description"}
    assert draft.status == ReportStatus.DRAFT and draft.case_number is None


def test_routing_follows_the_rule_and_sets_working_day_deadlines(world):
    report = routed(world)
    assert report.status == ReportStatus.ROUTED
    assert report.responsible_unit_id == world.ward.id
    assert report.routing_basis == "rule" and report.routing_rule_id == world.rule.id
    assert report.acknowledge_due_at == datetime(2026, 11, 25, 9, 0, tzinfo=OSLO)
    assert report.answer_due_at == datetime(2026, 12, 14, 9, 0, tzinfo=OSLO)
    assert "mail.routed" in outbox_tasks()
    assert route_report(report, now=MONDAY) is False  # a second delivery changes nothing


def test_without_a_rule_the_named_unit_then_the_coordinators_answer(world):
    named = routed(world, category_id=world.other.id, receiving_unit_id=world.other_ward.id)
    assert (named.responsible_unit_id, named.routing_basis) == (world.other_ward.id,
                                                                "named_unit")
    nobody = routed(world, category_id=world.other.id)
    assert (nobody.responsible_unit_id, nobody.routing_basis) == (None, "coordinators")


def test_approval_is_required_where_the_reporting_organisation_says_so(world):
    world.kommune.is_approval_required = True
    report = submitted(world)
    assert report.status == ReportStatus.AWAITING_APPROVAL
    assert outbox_tasks() == ["mail.approval_requested"]
    with pytest.raises(PermissionDenied):
        approve_report(world.ward_leader, report)
    approve_report(world.kommune_leader, report, now=MONDAY)
    assert report.status == ReportStatus.SUBMITTED
    assert outbox_tasks()[-1] == "reports.route"


def test_acknowledge_answer_deliver_close(world):
    report = routed(world)
    acknowledge_report(world.ward_handler, report, now=MONDAY)
    answer_report(world.ward_handler, report, "Listen ble ikke skrevet ut.", "Ny sjekkliste.",
                  now=MONDAY)
    assert report.status == ReportStatus.ANSWERED
    with pytest.raises(IllegalTransition):
        close_report(world.reporter, report)  # the answer has not reached the reporter yet
    assert mark_answer_delivered(report, now=MONDAY)
    close_report(world.reporter, report, now=MONDAY)
    assert report.status == ReportStatus.CLOSED
    kinds = [event.kind for event in report.events]
    assert kinds == ["submitted", "routed", "acknowledged", "answered", "answer_delivered",
                     "closed"]


@pytest.mark.parametrize("actor", ["reporter", "kommune_leader", "other_ward_handler",
                                   "outsider", "admin"])
def test_only_the_receiving_side_acknowledges_and_answers(world, actor):
    report = routed(world)
    with pytest.raises(PermissionDenied):
        acknowledge_report(getattr(world, actor), report)
    with pytest.raises(PermissionDenied):
        answer_report(getattr(world, actor), report, "Årsak", "Tiltak")
    assert report.status == ReportStatus.ROUTED


def test_a_step_not_allowed_in_the_status_changes_nothing(world):
    report = routed(world)
    answer_report(world.clinic_leader, report, "Årsak", "Tiltak", now=MONDAY)
    with pytest.raises(IllegalTransition):
        answer_report(world.ward_handler, report, "Andre svar", "Andre tiltak")
    with pytest.raises(IllegalTransition):
        withdraw_report(world.reporter, report)
    assert report.answer_cause == "Årsak" and report.status == ReportStatus.ANSWERED


def test_reopen_once_with_a_reason_then_routed_again(world):
    report = routed(world)
    answer_report(world.ward_handler, report, "Årsak", "Tiltak", now=MONDAY)
    with pytest.raises(ValidationFailed):
        reopen_report(world.reporter, report, "  ")
    with pytest.raises(PermissionDenied):
        reopen_report(world.ward_handler, report, "Uenig")
    reopen_report(world.reporter, report, "Svaret forklarer ikke årsaken.")
    assert report.status == ReportStatus.SUBMITTED and report.answered_at is None
    assert route_report(report, now=MONDAY)
    answer_report(world.ward_handler, report, "Ny årsak", "Nye tiltak", now=MONDAY)
    mark_answer_delivered(report, now=MONDAY)
    reopen_report(world.reporter, report, "Fortsatt uenig.")  # the committee's agenda now
    assert report.status == ReportStatus.ANSWERED and report.reopen_count == 2
    with pytest.raises(IllegalTransition, match="joint committee"):
        reopen_report(world.reporter, report, "Enda mer uenig.")


def test_forward_to_another_unit_of_the_receiver_with_a_reason(world):
    report = routed(world)
    with pytest.raises(ValidationFailed):
        forward_report(world.ward_handler, report, world.home_care, "Feil mottaker")
    forward_report(world.ward_handler, report, world.other_ward, "Gjelder kirurgisk pasient")
    assert route_report(report, forced_unit_id=world.other_ward.id, now=MONDAY)
    assert report.responsible_unit_id == world.other_ward.id
    assert report.routing_basis == "forwarded"


def test_withdraw_before_acknowledgement_only(world):
    report = routed(world)
    withdraw_report(world.reporter, report, now=MONDAY)
    assert report.status == ReportStatus.WITHDRAWN
    second = routed(world)
    acknowledge_report(world.ward_handler, second, now=MONDAY)
    with pytest.raises(IllegalTransition):
        withdraw_report(world.reporter, second)


def test_both_sides_comment_and_strangers_cannot(world):
    report = routed(world)
    add_comment(world.reporter, report, "Har dere sett på dette?")
    add_comment(world.ward_handler, report, "Ja, vi undersøker.")
    with pytest.raises(PermissionDenied):
        add_comment(world.outsider, report, "Hei")
    sides = [event.data["side"] for event in report.events if event.kind == "comment"]
    assert sides == ["reporting", "receiving"]
    assert outbox_tasks().count("mail.comment") == 2


@pytest.mark.parametrize("field", ["description", "immediate_measures", "suggestion"])
def test_an_identity_number_in_any_text_is_refused_and_pointed_at(world, field):
    data = world.report_input(**{field: "Gjelder pasient 151086 95088, se journal."})
    with pytest.raises(ValidationFailed) as failure:
        create_draft(world.reporter, data, now=MONDAY)
    [(error_field, message)] = failure.value.errors
    assert error_field == field and "character 17" in message and "151086 95088" in message


def test_inconsistent_choices_are_refused_with_reasons(world):
    data = world.report_input(category_id=world.admission_only.id,
                              receiving_unit_id=world.home_care.id,
                              event_date=datetime(2026, 11, 30).date(), discovered_date=None)
    with pytest.raises(ValidationFailed) as failure:
        create_draft(world.reporter, data, now=MONDAY)
    assert {field for field, _ in failure.value.errors} == {
        "category_id", "receiving_unit_id", "event_date"}
