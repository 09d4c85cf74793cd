"""Comments on a case answered jointly (a dispute about responsibility): the second
party's coordinators are told of the others' comments, and the answering unit of theirs,
through the outbox like every comment e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from avvik.extensions import db
from avvik.notifications.services import fan_out
from avvik.organizations.models import OrganizationKind
from avvik.outbox.models import OutboxMessage
from avvik.reports.services import add_comment, create_draft, decline_report, submit_report
from avvik.routing.services import route_report
from avvik.users.models import Role
from tests.factories import make_organization, make_unit, make_user


@pytest.fixture
def joint_case(world, clock):
    """A case of the hospital's ward answered jointly with a GP office; its coordinator."""
    office = make_organization("Legesenteret", kind=OrganizationKind.GP_OFFICE,
                               health_community=world.hospital.health_community)
    coordinator = make_user("gpkoord", roles=[(Role.COORDINATOR, make_unit(
        "Legesenteret", organization=office))])
    report = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, report)
    assert route_report(report, now=clock.now)
    decline_report(world.ward_handler, report, "Felles ansvar i samsonen.", "joint_answer",
                   office.id)
    assert route_report(report, forced_unit_id=world.ward.id, basis="rule", now=clock.now)
    return report, coordinator


def comment_mail_to(report, author, text):
    """``author`` comments; the worker's fan-out runs; the user ids e-mailed about it."""
    add_comment(author, report, text)
    db.session.flush()
    [ring] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.task == "mail.comment").order_by(OutboxMessage.id.desc()).limit(1))
    fan_out("mail.comment", ring.payload)
    db.session.flush()
    key = f"mail:comment:{report.id}:{ring.payload['event_id']}:"
    return {row.payload["user_id"] for row in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.dedup_key.like(f"{key}%")))}


def test_the_reporting_sides_comment_reaches_the_second_party(world, clock, joint_case):
    report, coordinator = joint_case
    told = comment_mail_to(report, world.reporter, "Vi venter fortsatt på listen.")
    assert told == {world.ward_handler.id, world.ward_leader.id, coordinator.id}
    [mail] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.dedup_key.like(f"mail:comment:{report.id}:%:{coordinator.id}")))
    assert mail.payload["template"] == "case_comment"


def test_the_answering_sides_comment_reaches_the_reporter_and_the_second_party(
        world, clock, joint_case):
    report, coordinator = joint_case
    told = comment_mail_to(report, world.ward_handler, "Vi har spurt fastlegen.")
    assert told == {world.reporter.id, coordinator.id}


def test_the_second_partys_comment_reaches_the_reporter_and_the_answering_unit(
        world, clock, joint_case):
    report, coordinator = joint_case
    told = comment_mail_to(report, coordinator, "Vi bidrar med fastlegens del.")
    assert told == {world.reporter.id, world.ward_handler.id, world.ward_leader.id}


def test_a_case_without_a_second_party_mails_as_before(world, clock):
    report = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, report)
    assert route_report(report, now=clock.now)
    assert comment_mail_to(report, world.ward_handler, "Vi ser på saken.") == {
        world.reporter.id}
    clock.shift(timedelta(minutes=11))
    assert comment_mail_to(report, world.reporter, "Takk.") == {
        world.ward_handler.id, world.ward_leader.id}
