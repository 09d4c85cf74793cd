"""Chaos: a worker killed mid-task, Redis restarted or down, the SMTP server down.

Each test runs a private redis-server (never the machine's shared one) that it stops and
starts, and a real worker with embedded beat, whose "outbox.resend" publishes work that
is due again or whose worker died. Leases, redelivery and the resend interval are
shortened (seconds instead of minutes) so that the test need not wait long. Nothing may
be lost, and nothing sent twice but what a killed worker had sent and not yet recorded.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest

from avvik.api.services import create_token
from avvik.extensions import db
from avvik.outbox.models import OutboxState
from avvik.users.models import User
from tests.conftest import new_browser
from tests.reports.world import EVENT_DAY
from tests.services import free_port
from tests.tasks.private_redis import PrivateRedis
from tests.tasks.processes import CollectingHandler, SmtpServer, wait_for
from tests.tasks.system import (
    DESCRIPTION,
    System,
    Worker,
    database_url,  # noqa: F401  (fixture)
    message_text,
    start_system,
)

pytestmark = pytest.mark.slow

#: Short enough for a test, and the same in this process and in the workers.
LEASE = {"OUTBOX_LEASE_SECONDS": "4", "OUTBOX_REDELIVERY_SECONDS": "4",
         "OUTBOX_RESEND_SECONDS": "2"}


class StallingHandler(CollectingHandler):
    """Takes in the first message, then gives no answer until released, and keeps nothing.

    The sender is left in the middle of sending (its SMTP session waits for the reply to
    DATA), which is where the chaos test kills it. Later messages are kept as usual.
    """

    def __init__(self) -> None:
        super().__init__()
        self.stalled = threading.Event()
        self.release = threading.Event()
        self.stalled_message_id: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.stalled.is_set():
            return await super().handle_DATA(server, session, envelope)
        self.stalled_message_id = message_from_bytes(
            envelope.content, policy=policy.default)["Message-ID"]
        self.stalled.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)  # the server's other sessions go on meanwhile
        return "451 4.3.0 Not accepted, try again later"


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str,  # noqa: F811
           redis: PrivateRedis) -> Iterator[System]:
    yield from start_system(tmp_path, monkeypatch, database_url, redis.url, **LEASE)


@pytest.fixture
def stalling_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    database_url: str, redis: PrivateRedis) -> Iterator[System]:  # noqa: F811
    """An SMTP server that holds its answer to the first e-mail (StallingHandler)."""
    smtp = SmtpServer(free_port())
    smtp.handler = StallingHandler()
    yield from start_system(tmp_path, monkeypatch, database_url, redis.url, smtp=smtp,
                            **LEASE)


def assert_each_routed_mail_once(system: System, *report_ids: int) -> None:
    """Every outbox row done; the ward's handler and leader got one e-mail per case."""
    rows = system.wait_until_settled()
    cast = system.cast
    assert len(system.mail()) == 2 * len(report_ids), [m["To"] for m in system.mail()]
    system.assert_no_message_twice()
    for person in (cast.ward_handler, cast.ward_leader):
        assert len(system.mail_to(person.email)) == len(report_ids)
    for report_id in report_ids:
        events = system.report(report_id)["events"]
        assert [kind for kind, _ in events].count("email_sent") == 2
    assert all(row["state"] == OutboxState.DONE for row in rows)


def stall_a_send(system: System, concurrency: int = 1
                 ) -> tuple[StallingHandler, Worker, int]:
    """A worker started and a case filed; returns once the worker is inside the SMTP
    conversation of one of the case's e-mails, waiting for the answer to DATA."""
    handler: StallingHandler = system.smtp.handler
    first = system.start_worker(concurrency=concurrency)
    report_id = system.file_case()
    wait_for(handler.stalled.is_set, 60, f"the worker to send DATA:\n{first.log()}")
    return handler, first, report_id


def test_a_worker_killed_mid_send_is_replaced_and_the_mail_arrives_once(
        stalling_system: System) -> None:
    system = stalling_system
    handler, first, report_id = stall_a_send(system)
    # Meanwhile a clinician files another case: a slow mail server must not hold the
    # database (on SQLite, a transaction open across the SMTP conversation would).
    started = time.monotonic()
    second = system.file_case()
    assert time.monotonic() - started < 3

    first.kill()
    handler.release.set()  # the server gives up on the dead connection; nothing kept
    # The dead worker held the e-mail it was sending, claimed; nothing else.
    stuck = [r for r in system.outbox() if r["state"] == OutboxState.PROCESSING]
    [stalled] = stuck
    assert stalled["task"] == "mail.send"
    assert stalled["payload"]["message_id"] == handler.stalled_message_id

    # A new worker; its beat finds the claims of the dead one expired and resends them.
    system.start_worker(beat=True)
    system.wait_for_mail(4, timeout=90)
    assert_each_routed_mail_once(system, report_id, second)
    assert len([m for m in system.mail()
                if m["Message-ID"] == handler.stalled_message_id]) == 1
    [again] = [r for r in system.outbox() if r["id"] == stalled["id"]]
    assert again["attempts"] == 2  # the dead worker's try, and the one that worked


def test_with_two_worker_processes_a_killed_worker_repeats_nothing_it_had_recorded(
        stalling_system: System) -> None:
    system = stalling_system
    handler, first, report_id = stall_a_send(system, concurrency=2)
    # The case's other e-mail went out from the second pool process meanwhile, and was
    # recorded as sent before the kill.
    system.wait_for_mail(1, timeout=30)
    wait_for(lambda: [r["state"] for r in system.outbox() if r["task"] == "mail.send"]
             .count(OutboxState.DONE) == 1, 30, "the other e-mail to be recorded")
    first.kill()
    handler.release.set()

    system.start_worker(beat=True)
    rows = system.wait_until_settled(timeout=90)
    system.wait_for_mail(2, timeout=30)

    arrived = Counter(m["Message-ID"] for m in system.mail())
    assert arrived[handler.stalled_message_id] == 1
    assert sorted(arrived.values()) == [1, 1]  # nothing lost, nothing twice
    assert all(row["state"] == OutboxState.DONE for row in rows)
    events = system.report(report_id)["events"]
    assert [kind for kind, _ in events].count("email_sent") == 2


def test_work_goes_on_after_redis_restarts_even_what_it_lost(
        system: System, redis: PrivateRedis) -> None:
    first = system.start_worker(beat=True)
    before = system.file_case()
    system.wait_for_mail(2)
    # Stopped (kill -9) once it has recorded what it sent: stopped between the server's
    # "250 OK" and that commit, it would send those again, which SMTP cannot rule out.
    system.wait_until_settled()
    first.stop()
    lost = system.file_case()  # published, waiting in Redis for a worker

    redis.stop()  # everything in it is gone: queues, bindings, unacknowledged messages
    redis.start()
    after = system.file_case()
    [lost_route] = [r for r in system.outbox()
                    if r["task"] == "reports.route" and r["payload"]["report_id"] == lost]
    assert lost_route["dispatched_at"] is not None  # the broker had it, and lost it

    # The new worker takes the case filed after the restart from the queue; its beat
    # publishes the lost one again once its redelivery time has passed.
    system.start_worker(beat=True)
    system.wait_for_mail(6, timeout=90)
    assert_each_routed_mail_once(system, before, lost, after)


def test_mail_arrives_once_when_the_smtp_server_comes_back(system: System) -> None:
    system.smtp.stop()
    system.start_worker(beat=True)
    report_id = system.file_case()

    def retried() -> bool:  # both e-mails failed at least twice, with back-off
        sends = [r for r in system.outbox() if r["task"] == "mail.send"]
        return len(sends) == 2 and all(r["attempts"] >= 2 for r in sends)

    wait_for(retried, 90, "the e-mails to be tried twice")
    assert all("SMTP" in r["last_error"] for r in system.outbox() if r["task"] == "mail.send")
    assert system.mail() == []
    system.smtp.start()
    system.wait_for_mail(2, timeout=90)
    assert_each_routed_mail_once(system, report_id)


def test_a_case_filed_while_redis_is_down_is_saved_and_mailed_once_it_is_back(
        system: System, redis: PrivateRedis) -> None:
    system.start_worker(beat=True)
    token = _token_for(system, system.cast.reporter.id)
    redis.stop()

    started = time.monotonic()
    response = new_browser(system.app).post(
        "/api/v1/reports", json=_api_body(system), headers={"Authorization": f"Bearer {token}"})
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.get_data(as_text=True)
    assert elapsed < 3, f"the clinician waited {elapsed:.1f} s for a broker that is down"
    report_id = response.get_json()["id"]
    assert system.report(report_id)["status"] == "submitted"
    [route] = system.outbox()
    assert (route["task"], route["state"], route["dispatched_at"]) == (
        "reports.route", OutboxState.PENDING, None)

    redis.start()
    system.wait_for_mail(2, timeout=90)
    assert_each_routed_mail_once(system, report_id)
    for message in system.mail():
        assert DESCRIPTION not in message_text(message)


def _token_for(system: System, user_id: int) -> str:
    _token, plain = create_token(db.session.get(User, user_id), "chaos test")
    db.session.commit()
    db.session.remove()
    return plain


def _api_body(system: System) -> dict[str, Any]:
    """The body of ``POST /api/v1/reports`` for the usual case (tests/api's shape)."""
    ids, event_day = system.cast.ids, EVENT_DAY  # the workers run on the real clock
    return {
        "receiving_organization_id": ids["hospital"], "agreement_id": ids["agreement"],
        "transition_id": ids["discharge"], "category_id": ids["medication"],
        "event_date": event_day.isoformat(),
        "discovered_date": (event_day + timedelta(days=1)).isoformat(),
        "description": DESCRIPTION, "consequence": "minor",
        "potential_consequence": "moderate",
    }
