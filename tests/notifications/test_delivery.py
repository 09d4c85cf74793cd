"""E-mails reach a real SMTP server with no health data, once, and land on the timeline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.notifications.delivery import send_email
from avvik.notifications.services import fan_out
from avvik.outbox.models import OutboxMessage
from avvik.reports.services import (
    add_comment,
    answer_report,
    create_draft,
    reopen_report,
    submit_report,
)
from avvik.routing.services import route_report
from tests.services import free_port
from tests.tasks.processes import SmtpServer

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)
SECRET_TEXT = "Pasienten fikk feil dose Marevan"


class RefusingSmtpServer(SmtpServer):
    """Refuses the addresses in ``refused`` with 550, as a real server does."""

    def __init__(self, port: int, refused: set[str]) -> None:
        super().__init__(port)
        refused_addresses = refused

        async def handle_RCPT(server: Any, session: Any, envelope: Any, address: str,
                              options: Any) -> str:
            if address in refused_addresses:
                return "550 5.1.1 no such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        self.handler.handle_RCPT = handle_RCPT


@pytest.fixture
def smtp(app) -> Iterator[RefusingSmtpServer]:
    server = RefusingSmtpServer(free_port(), refused={"gone@example.org"})
    server.start()
    old_port = app.config["SMTP_PORT"]
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
    yield server
    app.config["SMTP_PORT"] = old_port
    server.stop()


def drain() -> None:
    """Do every queued notification row, and what they queue, as the workers would."""
    while True:
        rows = db.session.execute(select(OutboxMessage).where(
            OutboxMessage.state == "pending", OutboxMessage.task.like("mail.%"))
            .order_by(OutboxMessage.id)).scalars().all()
        if not rows:
            return
        for row in rows:
            if row.task == "mail.send":
                send_email(row.id)
            else:
                fan_out(row.task, row.payload)
                row.state = "done"
                db.session.flush()


def routed_case(world):
    report = create_draft(world.reporter, world.report_input(description=SECRET_TEXT),
                          now=MONDAY)
    submit_report(world.reporter, report, now=MONDAY)
    route_report(report, now=MONDAY)
    return report


def test_routing_mails_the_units_leader_and_handler_without_health_data(world, smtp):
    report = routed_case(world)
    drain()
    recipients = sorted(to[0] for to, _ in smtp.messages)
    assert recipients == sorted([world.ward_handler.email, world.ward_leader.email])
    for _, message in smtp.messages:
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert report.case_number in message["Subject"] + text
        assert "Utskrivningsklare pasienter" in text and f"/reports/{report.id}" in html
        assert SECRET_TEXT not in text + html
        assert message["Message-ID"].startswith("<routed.")
    sent = [e for e in report.events if e.kind == "email_sent"]
    assert len(sent) == 2


def test_the_same_event_is_queued_once(world, smtp):
    report = routed_case(world)
    fan_out("mail.routed", {"report_id": report.id})
    fan_out("mail.routed", {"report_id": report.id})
    drain()
    assert len(smtp.messages) == 2


def test_the_answer_reaching_the_reporter_makes_the_case_closable(world, smtp):
    report = routed_case(world)
    answer_report(world.ward_handler, report, "Årsak", "Tiltak", now=MONDAY)
    drain()
    assert world.reporter.email in [to[0] for to, _ in smtp.messages]
    assert report.answer_delivered_at is not None


def test_a_reopened_case_is_mailed_as_back_with_the_unit_not_as_a_new_case(world, smtp):
    world.ward_handler.locale, world.ward_leader.locale = "nb", "en"
    report = routed_case(world)
    answer_report(world.ward_handler, report, "Årsak", "Tiltak", now=MONDAY)
    drain()
    first_round = {to[0]: message["Subject"] for to, message in smtp.messages}
    assert first_round[world.ward_handler.email] == "Nytt samhandlingsavvik " \
                                                    f"{report.case_number} til enheten din"
    before = len(smtp.messages)
    reopen_report(world.reporter, report, "Svaret forklarer ikke årsaken.")
    route_report(report, now=MONDAY + timedelta(days=7))
    drain()
    subjects = {to[0]: message["Subject"] for to, message in smtp.messages[before:]}
    assert subjects == {
        world.ward_handler.email: f"Sak {report.case_number} er gjenåpnet og tilbake hos "
                                  "enheten din",
        world.ward_leader.email: f"Case {report.case_number} was reopened and is back with "
                                 "your unit"}
    for _, message in smtp.messages[before:]:
        text = message.get_body(("plain",)).get_content()
        assert "Ny sak" not in text and "New case" not in text
        assert "ikke årsaken" not in text  # the reason stays in Avvik: it is free text


def test_comment_mails_at_most_once_per_ten_minutes_per_person(world, smtp):
    report = routed_case(world)
    drain()
    before = len(smtp.messages)
    add_comment(world.ward_handler, report, "Vi ser på saken.")
    add_comment(world.ward_handler, report, "Og en ting til.")
    drain()
    new = [to[0] for to, _ in smtp.messages[before:]]
    assert new == [world.reporter.email]


def test_a_refused_address_is_recorded_and_the_coordinators_told(world, smtp):
    world.ward_leader.email = "gone@example.org"
    report = routed_case(world)
    drain()
    failed = [e for e in report.events if e.kind == "email_failed"]
    assert len(failed) == 1 and failed[0].data["smtp_code"] == 550
    delivered = sorted(to[0] for to, _ in smtp.messages)
    assert world.ward_handler.email in delivered  # the others still go out
    assert world.hospital_coordinator.email in delivered  # told of the failure


def test_smtp_down_puts_the_emails_back_with_back_off(world, app, db_session, clock):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    report = routed_case(world)
    fan_out("mail.routed", {"report_id": report.id})
    rows = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.task == "mail.send")).scalars().all()
    assert len(rows) == 2

    assert [send_email(row.id) for row in rows] == ["retry", "retry"]

    for row in rows:
        db.session.refresh(row)
        assert (row.state, row.attempts) == ("pending", 1)
        assert row.last_error.startswith("SMTP unavailable")
        assert row.available_at > clock.now  # back-off before the next try
    assert not [e for e in report.events if e.kind == "email_sent"]


def test_approval_requested_mails_the_reporting_units_leader(world, smtp):
    world.kommune.is_approval_required = True
    report = create_draft(world.reporter, world.report_input(description=SECRET_TEXT),
                          now=MONDAY)
    submit_report(world.reporter, report, now=MONDAY)
    drain()
    [(to, message)] = smtp.messages
    assert to == [world.kommune_leader.email]
    assert report.case_number in message["Subject"]
    assert SECRET_TEXT not in message.get_body(("plain",)).get_content()


def test_weekly_digest_lists_open_and_overdue_cases_once_a_week(world, smtp):
    from datetime import timedelta

    from avvik.escalation.digest import queue_weekly_digests

    report = routed_case(world)
    drain()
    before = len(smtp.messages)
    three_weeks_later = MONDAY + timedelta(days=21)
    assert queue_weekly_digests(three_weeks_later) == 2  # the ward's and the clinic's leaders
    queue_weekly_digests(three_weeks_later + timedelta(days=2))  # same ISO week again
    drain()
    digests = smtp.messages[before:]
    assert sorted(to[0] for to, _ in digests) == sorted([world.ward_leader.email,
                                                         world.clinic_leader.email])
    text = digests[0][1].get_body(("plain",)).get_content()
    assert report.case_number in text and SECRET_TEXT not in text
    assert "1" in digests[0][1]["Subject"]
