"""One ``mail.send`` task sends many e-mails: claimed in groups, over kept-open SMTP
connections side by side, each recorded once, and nothing taken that another task may be
sending."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from avvik.extensions import db
from avvik.notifications import courier, delivery
from avvik.notifications.delivery import send_due_emails
from avvik.notifications.services import email_job
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.services import enqueue_many
from avvik.reports.models import ReportEvent
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from tests.factories import make_user
from tests.services import free_port
from tests.tasks.processes import SmtpServer


class CountingServer(SmtpServer):
    """Counts the sessions it is greeted in; defers (450) or refuses (550) some addresses."""

    def __init__(self, port: int, *, deferred: set[str] = frozenset(),
                 refused: set[str] = frozenset()) -> None:
        super().__init__(port)
        self.sessions = 0
        server = self

        async def handle_EHLO(_server: Any, session: Any, _envelope: Any, hostname: str,
                              responses: list[str]) -> list[str]:
            server.sessions += 1
            session.host_name = hostname
            return responses

        async def handle_RCPT(_server: Any, _session: Any, envelope: Any, address: str,
                              _options: Any) -> str:
            if address in deferred:
                return "450 4.2.1 mailbox busy, try later"
            if address in refused:
                return "550 5.1.1 no such mailbox"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        self.handler.handle_EHLO = handle_EHLO
        self.handler.handle_RCPT = handle_RCPT


def serve(app: Flask, server: CountingServer) -> Iterator[CountingServer]:
    server.start()
    old = app.config["SMTP_PORT"]
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port)
    try:
        yield server
    finally:
        app.config["SMTP_PORT"] = old
        server.stop()


@pytest.fixture
def smtp(app: Flask) -> Iterator[CountingServer]:
    yield from serve(app, CountingServer(free_port(), deferred={"busy@example.org"},
                                         refused={"gone@example.org"}))


def case(world):
    report = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, report)
    route_report(report)
    return report


def queue(report, addresses: list[str]) -> list[int]:
    """One escalation e-mail per address, as a sweep queues them; returns the row ids."""
    people = [make_user(email=address) for address in addresses]
    ids = enqueue_many(email_job(person, "escalation", f"escalation:{report.id}:1",
                                 report_id=report.id, extra={"level": 1})
                       for person in people)
    db.session.commit()
    return ids


def rows(ids: list[int]) -> list[OutboxMessage]:
    found = db.session.execute(select(OutboxMessage).where(OutboxMessage.id.in_(ids))
                               .order_by(OutboxMessage.id)).scalars().all()
    for row in found:
        db.session.refresh(row)
    return found


def sent_events(report) -> list[ReportEvent]:
    return db.session.execute(select(ReportEvent).where(
        ReportEvent.report_id == report.id, ReportEvent.kind == "email_sent")).scalars().all()


def test_one_task_sends_a_sweeps_emails_over_one_connection(world, smtp, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_CONNECTIONS", 1)
    report = case(world)
    ids = queue(report, [f"leder{n}@example.org" for n in range(25)])

    assert send_due_emails(ids[0]) == "sent 25"

    assert smtp.sessions == 1
    message_ids = [message["Message-ID"] for _, message in smtp.messages]
    assert len(message_ids) == len(set(message_ids)) == 25
    assert {row.state for row in rows(ids)} == {OutboxState.DONE}
    assert len(sent_events(report)) == 25
    # Each row's own message comes later, finds its e-mail sent and sends nothing.
    assert send_due_emails(ids[7]) == "skipped"
    assert len(smtp.messages) == 25


def test_a_deferred_and_a_refused_address_do_not_hold_back_the_others(world, smtp, clock):
    report = case(world)
    ids = queue(report, ["a@example.org", "busy@example.org", "gone@example.org",
                         "b@example.org"])

    assert send_due_emails(ids[0]) == "refused 1, retry 1, sent 2"

    assert sorted(to[0] for to, _ in smtp.messages) == ["a@example.org", "b@example.org"]
    busy, gone = rows(ids)[1:3]
    assert (busy.state, busy.attempts, busy.last_error) == (
        OutboxState.PENDING, 1, "recipient deferred (450)")
    assert busy.available_at > clock.now
    # Refused for good: failed at once, for an administrator to re-queue once mended.
    assert (gone.state, gone.last_error) == (OutboxState.FAILED, "recipient refused (550)")
    failed = [e for e in report.events if e.kind == "email_failed"]
    assert [e.data["smtp_code"] for e in failed] == [550]
    assert len(sent_events(report)) == 2


def test_rows_in_back_off_or_claimed_by_a_live_worker_are_left_alone(world, smtp, app,
                                                                      clock):
    report = case(world)
    ids = queue(report, [f"p{n}@example.org" for n in range(4)])
    backing_off, claimed, abandoned = rows(ids)[1:]
    backing_off.available_at = clock.now + timedelta(minutes=5)
    claimed.state, claimed.claimed_at = OutboxState.PROCESSING, clock.now
    lease = timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
    abandoned.state, abandoned.claimed_at = OutboxState.PROCESSING, clock.now - 2 * lease
    db.session.commit()

    # The abandoned claim, its lease expired, is taken along; the live one is not.
    assert send_due_emails(ids[0]) == "sent 2"
    assert send_due_emails(abandoned.id) == "skipped"
    assert send_due_emails(claimed.id) == "skipped"

    after = {row.id: row for row in rows(ids)}
    assert after[abandoned.id].state == OutboxState.DONE
    assert after[abandoned.id].attempts == 1
    assert after[backing_off.id].state == OutboxState.PENDING
    assert after[claimed.id].state == OutboxState.PROCESSING
    assert sorted(to[0] for to, _ in smtp.messages) == ["p0@example.org", "p3@example.org"]


def test_what_a_task_had_no_time_for_goes_back_untried(world, smtp, monkeypatch):
    report = case(world)
    ids = queue(report, [f"q{n}@example.org" for n in range(3)])
    monkeypatch.setattr(delivery, "BUDGET_SECONDS", -1.0)

    assert send_due_emails(ids[0]) == "untried 3"

    assert smtp.messages == []
    assert {(row.state, row.attempts) for row in rows(ids)} == {(OutboxState.PENDING, 0)}
    monkeypatch.undo()
    assert send_due_emails(ids[0]) == "sent 3"


def test_the_kept_connection_is_replaced_when_the_server_restarts(world, smtp, app,
                                                                  monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_CONNECTIONS", 1)
    report = case(world)
    first = queue(report, ["r1@example.org", "r2@example.org"])[0]
    assert send_due_emails(first) == "sent 2"

    smtp.stop()  # the server goes, and with it the connection the worker kept
    smtp.start()
    [third] = queue(report, ["r3@example.org"])

    assert send_due_emails(third) == "sent 1"
    assert [to[0] for to, _ in smtp.messages] == [
        "r1@example.org", "r2@example.org", "r3@example.org"]
    assert smtp.sessions == 2


class WaitingServer(CountingServer):
    """Holds its reply to the first e-mail until a second connection has been greeted
    (at most ``patience`` seconds): only a client sending side by side gets on at once."""

    def __init__(self, port: int, patience: float) -> None:
        super().__init__(port)
        self.waited: list[float] = []
        collect, server = self.handler.handle_DATA, self

        async def handle_DATA(handler_server: Any, session: Any, envelope: Any) -> str:
            if not server.waited:
                started = time.monotonic()
                while server.sessions < 2 and time.monotonic() - started < patience:
                    await asyncio.sleep(0.01)
                server.waited.append(time.monotonic() - started)
            return await collect(handler_server, session, envelope)

        self.handler.handle_DATA = handle_DATA


def test_a_second_connection_sends_while_the_first_waits_for_the_server(world, app,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_CONNECTIONS", 2)
    report = case(world)
    ids = queue(report, [f"side{n}@example.org" for n in range(6)])
    patience = 10.0
    for server in serve(app, WaitingServer(free_port(), patience)):
        assert send_due_emails(ids[0]) == "sent 6"

        assert server.sessions == 2
        assert server.waited[0] < patience / 2  # the second connection came meanwhile
        assert sorted(to[0] for to, _ in server.messages) == sorted(
            f"side{n}@example.org" for n in range(6))
    assert {row.state for row in rows(ids)} == {OutboxState.DONE}
    assert len(sent_events(report)) == 6


def settled(result: str) -> Future[str]:
    future: Future[str] = Future()
    future.set_result(result)
    return future


@pytest.mark.parametrize(("shares", "outcome"), [
    (["", ""], ""),
    (["", courier.LATE], courier.LATE),
    ([courier.LATE, "SMTP unavailable: refused", ""], "SMTP unavailable: refused"),
    ([], ""),
])
def test_a_groups_outcome_is_the_gravest_of_its_shares(shares, outcome):
    assert courier.Flight([settled(s) for s in shares]).outcome() == outcome


def test_a_process_with_a_courier_lets_threads_take_turns_often():
    import sys

    assert courier.dispatch([], {}, time.monotonic() + 1).outcome() == ""
    assert sys.getswitchinterval() <= courier.SWITCH_INTERVAL
