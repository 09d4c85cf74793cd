"""One ``mail.send`` task, one e-mail, against a real SMTP server (aiosmtpd): a kept
connection, permanent refusals failed at once, temporary ones retried, and values from
the database that cannot inject a header or end the message."""

from __future__ import annotations

from collections.abc import Iterator
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from avvik.core.mail import one_line
from avvik.extensions import db
from avvik.notifications.delivery import send_email
from avvik.notifications.services import fan_out, queue_email
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.reports.models import ReportEvent
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.services import free_port

#: What a name in the database might hold: CR LF, a lone CR, a lone LF, the end-of-data
#: sequence, lines of a single ".", and lines that look like headers and SMTP commands.
NASTY = ("Navn\r\nBcc: evil@example.org\r\n.\r\nMAIL FROM:<x@example.org>\rX-Lone: cr"
         "\n.\nRCPT TO:<y@example.org>\n\r\n.\r\nslutt")


class Handler:
    """Keeps each message as it came over the wire; answers some addresses otherwise."""

    def __init__(self, answers: dict[str, tuple[str, str]]) -> None:
        self.answers = answers  #: address -> (the SMTP command, the reply to give there)
        self.received: list[tuple[str, list[str], bytes]] = []
        self.sessions = 0

    async def handle_EHLO(self, _server: Any, session: Any, _envelope: Any, hostname: str,
                          responses: list[str]) -> list[str]:
        self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, _server: Any, _session: Any, envelope: Any, address: str,
                          _options: Any) -> str:
        command, reply = self.answers.get(address, ("", ""))
        if command == "RCPT":
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            command, reply = self.answers.get(address, ("", ""))
            if command == "DATA":
                return reply
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos),
                              envelope.original_content))
        return "250 OK"


class Server:
    def __init__(self, answers: dict[str, tuple[str, str]] | None = None,
                 smtputf8: bool = False) -> None:
        self.handler = Handler(answers or {})
        self.port = free_port()
        self.smtputf8 = smtputf8
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     ready_timeout=30, enable_SMTPUTF8=self.smtputf8)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def serving(app: Flask, monkeypatch: pytest.MonkeyPatch, server: Server) -> Iterator[Server]:
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", server.port)
    server.start()
    try:
        yield server
    finally:
        server.stop()


ANSWERS = {"busy@example.org": ("RCPT", "450 4.2.1 mailbox busy, try later"),
           "gone@example.org": ("RCPT", "550 5.1.1 no such mailbox"),
           "spam@example.org": ("DATA", "554 5.7.1 message refused"),
           "later@example.org": ("DATA", "421 4.3.2 closing, come back later")}


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    yield from serving(app, monkeypatch, Server(ANSWERS))


def routed_case(world):
    report = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, report)
    route_report(report)
    return report


def queue_to(report, address: str, key: str = "escalation") -> OutboxMessage:
    person = make_user(email=address)
    row = queue_email(person, "escalation", f"{key}:{report.id}", report=report,
                      extra={"level": 1})
    db.session.commit()
    return row


def fresh(row: OutboxMessage) -> OutboxMessage:
    db.session.refresh(row)
    return row


def events(report, kind: str) -> list[ReportEvent]:
    return list(db.session.scalars(select(ReportEvent).where(
        ReportEvent.report_id == report.id, ReportEvent.kind == kind)))


def test_a_worker_process_sends_one_email_after_another_over_one_connection(
        world, smtp, app):
    report = routed_case(world)
    rows = [queue_to(report, f"p{n}@example.org", f"k{n}") for n in range(5)]

    assert [send_email(row.id) for row in rows] == ["sent"] * 5
    # A redelivered message finds its e-mail sent and sends nothing.
    assert send_email(rows[2].id) == "skipped"

    assert smtp.handler.sessions == 1
    assert [to for _sender, to, _data in smtp.handler.received] == [
        [f"p{n}@example.org"] for n in range(5)]
    assert {fresh(row).state for row in rows} == {OutboxState.DONE}
    assert len(events(report, "email_sent")) == 5


def test_the_kept_connection_is_replaced_when_the_server_restarts(world, smtp):
    report = routed_case(world)
    first, second = queue_to(report, "r1@example.org", "a"), queue_to(report, "r2@example.org", "b")
    assert send_email(first.id) == "sent"

    smtp.stop()  # the server goes, and with it the connection the worker kept
    smtp.start()

    assert send_email(second.id) == "sent"
    assert [to for _sender, to, _data in smtp.handler.received] == [
        ["r1@example.org"], ["r2@example.org"]]
    assert smtp.handler.sessions == 2


@pytest.mark.parametrize(("address", "code", "reason"), [
    ("gone@example.org", 550, "recipient refused (550)"),
    ("spam@example.org", 554, "message refused (554)"),
])
def test_a_permanent_refusal_fails_the_email_at_once_on_the_case_and_on_health(
        world, smtp, client, address, code, reason):
    report = routed_case(world)
    row = queue_to(report, address)

    assert send_email(row.id) == "refused"

    row = fresh(row)
    assert (row.state, row.attempts, row.last_error) == (OutboxState.FAILED, 1, reason)
    assert [e.data["smtp_code"] for e in events(report, "email_failed")] == [code]
    assert send_email(row.id) == "skipped"  # not tried again until re-queued
    health = client.get("/health").get_json()
    assert health["outbox_failed"] == 1
    login(client, world.ward_handler.username, DEFAULT_PASSWORD)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "The mail server refused the e-mail to" in page
    # The connection is still good for the next e-mail.
    assert send_email(queue_to(report, "ok@example.org", "next").id) == "sent"
    assert smtp.handler.sessions == 1


@pytest.mark.parametrize(("address", "reason"), [
    ("busy@example.org", "recipient deferred (450)"),
    ("later@example.org", "SMTP unavailable: the server answered 421"),
])
def test_a_temporary_refusal_is_retried_with_back_off(world, smtp, clock, address, reason):
    report = routed_case(world)
    row = queue_to(report, address)

    assert send_email(row.id) == "retry"

    row = fresh(row)
    assert (row.state, row.attempts, row.last_error) == (OutboxState.PENDING, 1, reason)
    assert row.available_at > clock.now
    assert events(report, "email_failed") == []
    assert send_email(queue_to(report, "ok@example.org", "next").id) == "sent"


def test_a_server_that_is_away_means_retry_not_failure(world, app, monkeypatch, clock):
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens
    row = queue_to(routed_case(world), "kari@example.org")

    assert send_email(row.id) == "retry"
    row = fresh(row)
    assert row.state == OutboxState.PENDING and row.last_error.startswith("SMTP unavailable")


def test_an_address_with_a_line_break_is_failed_and_nothing_is_sent(world, smtp):
    row = queue_to(routed_case(world), "kari@example.org\r\nBcc: evil@example.org")

    assert send_email(row.id) == "broken"

    row = fresh(row)
    assert (row.state, row.last_error) == (
        OutboxState.FAILED, "the address cannot be written in an e-mail")
    assert smtp.handler.received == []


def test_an_international_domain_goes_out_in_its_idna_form(world, smtp):
    row = queue_to(routed_case(world), "kari@bærum.kommune.no")

    assert send_email(row.id) == "sent"

    [(_sender, to, data)] = smtp.handler.received
    assert to == ["kari@xn--brum-voa.kommune.no"]
    assert b"To: kari@xn--brum-voa.kommune.no\r\n" in data


def test_a_non_ascii_mailbox_needs_a_server_that_offers_smtputf8(world, app, monkeypatch):
    report = routed_case(world)
    row = queue_to(report, "kåre@example.org")
    for server in serving(app, monkeypatch, Server()):
        assert send_email(row.id) == "refused"
        assert server.handler.received == []
    assert fresh(row).last_error == (
        "the address needs SMTPUTF8, which the mail server does not offer")

    other = queue_to(report, "åse@example.org", "utf8")
    for server in serving(app, monkeypatch, Server(smtputf8=True)):
        assert send_email(other.id) == "sent"
        [(_sender, to, data)] = server.handler.received
        assert to == ["åse@example.org"]
        assert "To: åse@example.org\r\n".encode() in data


def test_values_from_the_database_cannot_inject_headers_or_end_the_message(
        world, smtp, monkeypatch):
    for thing in (world.medication, world.agreement, world.ward, world.other_ward,
                  world.hospital, world.kommune):
        attribute = "title" if thing is world.agreement else "name"
        setattr(thing, attribute, f"{getattr(thing, attribute)} {NASTY}")
    for person in (world.ward_handler, world.ward_leader, world.reporter):
        person.full_name = f"{person.full_name} {NASTY}"
    db.session.flush()
    report = routed_case(world)
    fan_out("mail.routed", {"report_id": report.id})  # category and agreement
    queue_email(world.reporter, "case_forwarded", f"fw:{report.id}", report=report,
                extra={"unit": world.other_ward.name})  # a unit in the subject
    queue_email(world.reporter, "case_declined", f"dec:{report.id}", report=report,
                extra={"source": world.hospital.name, "target": world.kommune.name,
                       "unit": world.ward.name, "proposal": "redirect"})
    queue_email(world.hospital_coordinator, "delivery_failed", f"df:{report.id}",
                report=report, extra={"recipient": world.ward_leader.full_name,
                                      "username": world.ward_leader.username})
    db.session.commit()
    rows = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.task == "mail.send").order_by(OutboxMessage.id)))

    assert [send_email(row.id) for row in rows] == ["sent"] * 5

    assert len(smtp.handler.received) == 5  # no message ended early, none smuggled in
    flat = one_line(NASTY)
    for _sender, to, data in smtp.handler.received:
        assert len(to) == 1 and "evil@example.org" not in to[0]
        assert b"\r." not in data.replace(b"\r\n", b"")  # no lone CR before a "."
        assert data.count(b"\r") == data.count(b"\r\n") == data.count(b"\n")
        message = message_from_bytes(data, policy=policy.compat32)
        assert sorted(message.keys()) == sorted([
            "Subject", "From", "To", "Date", "Message-ID", "Auto-Submitted", "MIME-Version",
            "Content-Type", "Content-Language"])
        text = message.get_payload(0).get_payload(decode=True).decode()
        html = message.get_payload(1).get_payload(decode=True).decode()
        assert flat in text
        for line in (text + html).splitlines():
            assert line.strip() != "."
            assert not line.startswith(("Bcc:", "X-Lone:", "MAIL FROM", "RCPT TO"))
    subjects = [" ".join(str(make_header(decode_header(message_from_bytes(
        data, policy=policy.compat32)["Subject"]))).split())
        for _sender, _to, data in smtp.handler.received]
    assert any(subject.endswith(f"has moved to {one_line(world.other_ward.name)}")
               for subject in subjects)


def test_an_international_sender_goes_out_over_smtputf8(world, app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", "Avvik Bærum <åse@bærum.kommune.no>")
    row = queue_to(routed_case(world), "kari@example.org")
    for server in serving(app, monkeypatch, Server(smtputf8=True)):
        assert send_email(row.id) == "sent"
        [(sender, to, data)] = server.handler.received
        assert (sender, to) == ("åse@xn--brum-voa.kommune.no", ["kari@example.org"])
        assert "<åse@xn--brum-voa.kommune.no>".encode() in data
