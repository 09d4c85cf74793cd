"""A mail server away for longer than the alarm's tries: the e-mails wait, the case says
once that they are late, and they go out when the server is back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from avvik.extensions import db
from avvik.notifications.delivery import send_email
from avvik.notifications.services import fan_out
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.reports.models import ReportEvent
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from tests.conftest import login
from tests.factories import DEFAULT_PASSWORD
from tests.services import free_port
from tests.tasks.processes import SmtpServer

ALARM = 3
CAP = 60


def kinds(report_id: int, kind: str) -> list[ReportEvent]:
    return list(db.session.scalars(select(ReportEvent).where(
        ReportEvent.report_id == report_id, ReportEvent.kind == kind)))


def test_an_smtp_outage_delays_the_mail_tells_the_case_once_and_loses_nothing(
        world, app, client, monkeypatch, clock):
    server = SmtpServer(free_port())  # not started yet: nothing answers on its port
    for name, value in (("OUTBOX_ALARM_ATTEMPTS", ALARM), ("OUTBOX_RETRY_CAP_SECONDS", CAP),
                        ("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", server.port)):
        monkeypatch.setitem(app.config, name, value)
    report = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, report)
    route_report(report)
    fan_out("mail.routed", {"report_id": report.id})
    rows = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.task == "mail.send").order_by(OutboxMessage.id)))
    assert len(rows) == 2

    moment = clock.now
    for _ in range(2 * ALARM):
        assert [send_email(row.id, now=moment) for row in rows] == ["retry", "retry"]
        moment += timedelta(seconds=CAP + 1)
    for row in rows:
        db.session.refresh(row)
        assert (row.state, row.attempts) == (OutboxState.PENDING, 2 * ALARM)
        assert row.alarmed_at is not None and row.last_error.startswith("SMTP unavailable")
    delayed = kinds(report.id, "email_delayed")
    assert sorted(e.data["user_id"] for e in delayed) == sorted(
        [world.ward_handler.id, world.ward_leader.id])
    login(client, world.ward_handler.username, DEFAULT_PASSWORD)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert f"The e-mail about the case to {world.ward_leader.full_name} is delayed" in page

    server.start()
    try:
        assert [send_email(row.id, now=moment) for row in rows] == ["sent", "sent"]
    finally:
        server.stop()
    assert sorted(to[0] for to, _ in server.messages) == sorted(
        [world.ward_handler.email, world.ward_leader.email])
    assert len(kinds(report.id, "email_sent")) == 2
    assert len(kinds(report.id, "email_delayed")) == 2
    for row in rows:
        db.session.refresh(row)
        assert row.state == OutboxState.DONE
