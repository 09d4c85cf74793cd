"""Disputes about responsibility through the services: declining with each proposal,
the joint answer, and the two ways a dispute reaches the joint committee's agenda."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from avvik.committee.models import AgendaItem, AgendaSource
from avvik.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from avvik.core.workdays import add_working_days
from avvik.extensions import db
from avvik.organizations.models import OrganizationKind
from avvik.outbox.models import OutboxMessage
from avvik.reports import scope
from avvik.reports.models import ReportStatus
from avvik.reports.services import (
    acknowledge_report,
    add_comment,
    answer_report,
    decline_report,
    mark_answer_delivered,
    reopen_report,
)
from avvik.routing.services import route_report
from avvik.users.models import Role
from tests.factories import make_health_community, make_organization, make_unit, make_user


def routed(world, clock, **overrides):
    return world.routed_case(clock.now, **overrides)


def answered(world, clock, report=None):
    report = report or routed(world, clock)
    answer_report(world.ward_handler, report, "Årsak", "Tiltak")
    mark_answer_delivered(report)
    return report


@pytest.fixture
def gp(world):
    """A GP office of the same health community, with a coordinator and a unit."""
    office = make_organization("Legesenteret", kind=OrganizationKind.GP_OFFICE,
                               health_community=world.hospital.health_community)
    top = make_unit("Legesenteret", organization=office)
    doctors = make_unit("Fastlegene", parent=top)
    coordinator = make_user("gpkoord", roles=[(Role.COORDINATOR, top)])
    doctor = make_user("gplege", roles=[(Role.HANDLER, doctors)])
    return office, doctors, coordinator, doctor


def emails(report, template):
    """Recipients' user ids of the e-mails queued with ``template`` about ``report``."""
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.task == "mail.send"))
    return {row.payload["user_id"] for row in rows
            if row.payload["template"] == template and row.payload["report_id"] == report.id}


def agenda(report):
    return db.session.scalars(select(AgendaItem).filter_by(report_id=report.id)).all()


@pytest.mark.clock
def test_declined_to_another_organisation_moves_with_its_number_and_new_deadlines(
        world, clock, gp):
    office, doctors, gp_coordinator, doctor = gp
    report = routed(world, clock)
    number, first_due = report.case_number, report.answer_due_at
    acknowledge_report(world.ward_handler, report)
    clock.shift(timedelta(days=3))
    decline_report(world.ward_leader, report, "Gjelder fastlegens oppfølging.",
                   "other_organization", office.id, doctors.id)
    assert report.status == ReportStatus.SUBMITTED and report.acknowledged_at is None
    # The new owner at once; the worker sets the deadlines from the redirect.
    assert (report.receiving_organization_id, report.responsible_unit_id) == (
        office.id, doctors.id)
    assert report.routing_basis == "redirected" and report.redirect_count == 1
    assert route_report(report, forced_unit_id=doctors.id, basis="redirected", now=clock.now)
    assert report.case_number == number and report.routing_basis == "redirected"
    assert report.answer_due_at == add_working_days(clock.now, report.agreement.answer_days)
    assert report.answer_due_at > first_due
    assert scope.can_view(doctor, report) and not scope.can_view(world.ward_handler, report)
    declined = [e for e in report.events if e.kind == "declined"]
    assert declined[0].data["from_organization_id"] == world.hospital.id
    assert declined[0].data["from_unit_id"] == world.ward.id
    assert declined[0].text == "Gjelder fastlegens oppfølging."
    # The reporter and the coordinators of every organisation involved; not the actor.
    assert emails(report, "case_declined") == {
        world.reporter.id, world.kommune_coordinator.id, world.hospital_coordinator.id,
        gp_coordinator.id}


def test_declined_back_to_the_reporting_side_goes_to_its_coordinators(world, clock):
    report = routed(world, clock)
    decline_report(world.hospital_coordinator, report, "Kommunens eget ansvar.",
                   "reporting_side")
    assert report.receiving_organization_id == world.kommune.id
    assert report.responsible_unit_id is None
    assert route_report(report, now=clock.now)
    # The named unit and the hospital's rules stay behind: the kommune's coordinators.
    assert report.routing_basis == "coordinators"
    assert scope.is_on_receiving_side(world.kommune_coordinator, report)
    assert scope.is_on_reporting_side(world.reporter, report)


def test_a_joint_answer_lets_the_second_party_read_and_comment(world, clock, gp):
    office, _, gp_coordinator, doctor = gp
    report = routed(world, clock)
    assert not scope.can_view(gp_coordinator, report)
    decline_report(world.ward_handler, report, "Felles ansvar i samsonen.", "joint_answer",
                   office.id)
    assert report.joint_organization_id == office.id
    assert report.receiving_organization_id == world.hospital.id
    assert route_report(report, forced_unit_id=world.ward.id, basis="rule", now=clock.now)
    assert report.responsible_unit_id == world.ward.id
    assert scope.can_view(gp_coordinator, report) and not scope.can_view(doctor, report)
    add_comment(gp_coordinator, report, "Vi bidrar med fastlegens del.")
    with pytest.raises(PermissionDenied):
        answer_report(gp_coordinator, report, "Årsak", "Tiltak")
    assert gp_coordinator.id in emails(report, "case_declined")


@pytest.mark.parametrize("who", ["reporter", "kommune_coordinator", "other_ward_handler",
                                 "outsider"])
def test_only_the_answering_side_declines(world, clock, who):
    report = routed(world, clock)
    with pytest.raises(PermissionDenied):
        decline_report(getattr(world, who), report, "Ikke vår sak.", "reporting_side")
    assert report.redirect_count == 0 and report.receiving_organization_id == world.hospital.id


def test_an_answered_case_cannot_be_declined(world, clock):
    report = answered(world, clock)
    with pytest.raises(IllegalTransition, match="declined"):
        decline_report(world.ward_handler, report, "Ikke vår sak.", "reporting_side")


def test_what_cannot_be_proposed_is_said_per_field(world, clock, gp):
    report = routed(world, clock)
    elsewhere = make_organization("Fjernt HF", health_community=make_health_community("Annet"))
    cases = [
        ("", "", None, None, {"reason", "proposal"}),
        ("Grunn", "other_organization", None, None, {"organization_id"}),
        ("Grunn", "other_organization", world.hospital.id, None, {"organization_id"}),
        ("Grunn", "other_organization", elsewhere.id, None, {"organization_id"}),
        ("Grunn", "other_organization", gp[0].id, world.ward.id, {"unit_id"}),
        ("Grunn", "other_organization", gp[0].id, 10**6, {"unit_id"}),
        ("Gjelder 151086 95088", "reporting_side", None, None, {"reason"}),
    ]
    for reason, proposal, organization_id, unit_id, fields in cases:
        with pytest.raises(ValidationFailed) as failure:
            decline_report(world.ward_handler, report, reason, proposal, organization_id,
                           unit_id)
        assert {field for field, _ in failure.value.errors} == fields
    assert report.redirect_count == 0 and report.status == ReportStatus.ROUTED


def test_the_party_declining_a_redirected_case_puts_it_on_the_agenda(world, clock, gp):
    office, doctors, _, doctor = gp
    report = routed(world, clock)
    decline_report(world.ward_handler, report, "Fastlegens ansvar.", "other_organization",
                   office.id, doctors.id)
    route_report(report, forced_unit_id=doctors.id, basis="redirected", now=clock.now)
    decline_report(doctor, report, "Sykehusets ansvar.", "other_organization",
                   world.hospital.id)
    # Not thrown on: it stays, and the committee decides.
    assert report.receiving_organization_id == office.id
    assert report.responsible_unit_id == doctors.id and report.status == ReportStatus.ROUTED
    [item] = agenda(report)
    assert item.source == AgendaSource.DECLINED_REDIRECT and item.placed_by_id == doctor.id
    assert report.events[-1].kind == "committee_placed"
    assert world.hospital_coordinator.id in emails(report, "case_declined")
    with pytest.raises(IllegalTransition, match="agenda"):
        decline_report(doctor, report, "Igjen.", "reporting_side")


def test_the_second_party_declining_a_joint_answer_puts_it_on_the_agenda(world, clock, gp):
    office, _, gp_coordinator, _ = gp
    report = routed(world, clock)
    decline_report(world.ward_handler, report, "Felles ansvar.", "joint_answer", office.id)
    route_report(report, forced_unit_id=world.ward.id, basis="rule", now=clock.now)
    decline_report(gp_coordinator, report, "Ikke vårt.", "reporting_side")
    assert report.joint_organization_id is None and not scope.can_view(gp_coordinator, report)
    assert [item.source for item in agenda(report)] == [AgendaSource.DECLINED_REDIRECT]


def test_a_second_disagreement_goes_on_the_agenda_and_a_third_is_refused(world, clock):
    report = answered(world, clock)
    reopen_report(world.reporter, report, "Svaret forklarer ikke årsaken.")
    assert route_report(report, now=clock.now)
    answered(world, clock, report)
    reopen_report(world.reporter, report, "Fortsatt uenig.")
    assert report.status == ReportStatus.ANSWERED and report.reopen_count == 2
    [item] = agenda(report)
    assert item.source == AgendaSource.SECOND_DISAGREEMENT and item.reason == "Fortsatt uenig."
    assert [e.kind for e in report.events][-2:] == ["disagreed_again", "committee_placed"]
    assert emails(report, "case_disagreed") == {
        world.ward_handler.id, world.ward_leader.id, world.kommune_coordinator.id,
        world.hospital_coordinator.id}
    with pytest.raises(IllegalTransition, match="committee"):
        reopen_report(world.reporter, report, "Og enda mer uenig.")
