"""Recovery of the outbox, with real workers, Redis, PostgreSQL or SQLite and SMTP: a
mail server away for longer than the retries' alarm, a worker killed in the middle of a
burst of e-mails, and a sweep's burst of e-mails that two workers claim side by side.

The bursts' e-mails are queued as a sweep queues them (outside a
request, many at once, then rung after the commit), about one case whose own routing
e-mails are out of the way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, update

from avvik.extensions import db
from avvik.health.services import health
from avvik.notifications.services import email_job
from avvik.outbox.dispatch import publish_committed
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.services import enqueue_many
from avvik.users.models import User
from tests.services import free_port
from tests.tasks.private_redis import PrivateRedis
from tests.tasks.processes import SmtpServer, redis_broker_url, wait_for
from tests.tasks.system import System, database_url, start_system  # noqa: F401
from tests.tasks.test_chaos import (  # noqa: F401  (redis: fixture)
    LEASE,
    StallingHandler,
    assert_each_routed_mail_once,
    redis,
)

pytestmark = pytest.mark.slow

#: A row counts as failing after this many tries, which come at most a second apart.
ALARM = 3
SHORT_RETRIES = {"OUTBOX_ALARM_ATTEMPTS": str(ALARM), "OUTBOX_RETRY_CAP_SECONDS": "1"}


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str,  # noqa: F811
           redis: PrivateRedis) -> Iterator[System]:  # noqa: F811
    yield from start_system(tmp_path, monkeypatch, database_url, redis.url,
                            **LEASE, **SHORT_RETRIES)


def test_an_smtp_outage_longer_than_the_retries_alarm_costs_time_not_email(
        system: System) -> None:
    system.smtp.stop()
    system.start_worker(beat=True)
    report_id = system.file_case()

    def mail_rows() -> list[dict[str, Any]]:
        return [r for r in system.outbox() if r["task"] == "mail.send"]

    wait_for(lambda: len(mail_rows()) == 2 and all(
        r["attempts"] >= ALARM + 2 for r in mail_rows()), 90,
        f"the e-mails to be tried {ALARM + 2} times:\n{system.worker_logs()}")
    assert {r["state"] for r in mail_rows()} <= {OutboxState.PENDING, OutboxState.PROCESSING}
    status = system.read(health)
    assert not status.healthy and status.outbox_failing == 2, status
    assert [p for p in status.problems if p.startswith("outbox: 2 message(s) failing")]
    delayed = [d for kind, d in system.report(report_id)["events"] if kind == "email_delayed"]
    assert sorted(d["user_id"] for d in delayed) == sorted(
        [system.cast.ward_handler.id, system.cast.ward_leader.id])
    assert system.mail() == []

    system.smtp.start()
    system.wait_for_mail(2, timeout=60)
    assert_each_routed_mail_once(system, report_id)
    status = system.read(health)
    assert status.outbox_failing == 0
    assert not [p for p in status.problems if p.startswith("outbox")], status


#: E-mails queued at once, as a sweep queues them.
HELD = 100


def queue_mail(system: System, count: int) -> list[int]:
    """``count`` e-mails about one routed case, queued and rung as a sweep does."""
    publishing = system.app.config["OUTBOX_PUBLISH"]
    system.app.config["OUTBOX_PUBLISH"] = False
    try:
        report_id = system.file_case(routed=True)
    finally:
        system.app.config["OUTBOX_PUBLISH"] = publishing
    db.session.execute(update(OutboxMessage).values(state=OutboxState.DONE))
    cast = system.cast
    people = [db.session.get(User, person.id) for person in (
        cast.ward_handler, cast.ward_leader, cast.clinic_leader, cast.hospital_coordinator,
        cast.secretary)]
    ids = enqueue_many(email_job(people[n % len(people)], "escalation",
                                 f"burst:{report_id}:{n}", report_id=report_id,
                                 extra={"level": 1}) for n in range(count))
    db.session.commit()
    publish_committed()
    db.session.remove()
    return ids


def in_state(system: System, state: OutboxState) -> int:
    return system.read(lambda: db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == state)))


@pytest.fixture
def stalling_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    database_url: str, redis: PrivateRedis) -> Iterator[System]:  # noqa: F811
    smtp = SmtpServer(free_port())
    smtp.handler = StallingHandler()
    yield from start_system(tmp_path, monkeypatch, database_url, redis.url, smtp=smtp,
                            **LEASE)


def test_a_worker_killed_in_a_burst_holds_back_one_email_for_one_lease(
        stalling_system: System) -> None:
    system = stalling_system
    handler: StallingHandler = system.smtp.handler
    first = system.start_worker()
    queue_mail(system, HELD)
    wait_for(handler.stalled.is_set, 60, f"the worker to send DATA:\n{first.log()}")
    # One e-mail per task: the worker holds the one it is sending, the rest wait.
    assert in_state(system, OutboxState.PROCESSING) == 1
    first.kill()
    handler.release.set()  # the server gives up on the dead connection; nothing kept

    # The new worker takes the rest from the queue; its beat sends the killed one's
    # e-mail again once that claim's lease has expired.
    system.start_worker(beat=True)
    lease = int(LEASE["OUTBOX_LEASE_SECONDS"])
    system.wait_for_mail(HELD, timeout=lease + 4 * float(LEASE["OUTBOX_RESEND_SECONDS"]) + 5)
    rows = system.wait_until_settled(timeout=30)
    assert len(system.mail()) == HELD
    system.assert_no_message_twice()
    assert {row["state"] for row in rows} == {OutboxState.DONE}


#: An escalation sweep's worth of e-mails (the fault probe's sweep queued ~1,370).
BURST = 1370


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_send_a_sweeps_burst_without_waiting_for_a_redelivery(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:  # noqa: F811
    # No beat, and the redelivery an hour away: whatever the claims leave behind stays
    # behind, and only the messages published at commit can get the e-mails out.
    for system in start_system(tmp_path, monkeypatch, database_url,
                               redis_broker_url(), OUTBOX_REDELIVERY_SECONDS="3600"):
        system.start_worker()
        system.start_worker()
        slow_to_write_after_publishing(system, monkeypatch)
        queue_mail(system, BURST)
        system.wait_for_mail(BURST, timeout=120)
        system.wait_until_settled(timeout=30)
        assert len(system.mail()) == BURST
        system.assert_no_message_twice()


def slow_to_write_after_publishing(system: System, monkeypatch: pytest.MonkeyPatch) -> None:
    """A loaded database: a write to the outbox rows that comes after their publishing
    comes once the workers have started on them, and holds its locks while they claim."""
    celery = system.app.extensions["celery"]
    published: list[str] = []
    send_task = celery.send_task

    def counted(name: str, *args: Any, **kwargs: Any) -> Any:
        published.append(name)
        return send_task(name, *args, **kwargs)

    def claimed() -> int:
        with db.engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(OutboxMessage).where(
                OutboxMessage.task == "mail.send", OutboxMessage.state != OutboxState.PENDING))

    def until(check: Any) -> None:
        with contextlib.suppress(AssertionError):  # a slow database, not a stopped one
            wait_for(check, 10, "the workers", interval=0.001)

    def late(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if published and statement.startswith("UPDATE outbox_messages"):
            until(claimed)

    def held(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if published and statement.startswith("UPDATE outbox_messages"):
            until(lambda: len(system.smtp.messages) >= claimed())

    monkeypatch.setattr(celery, "send_task", counted)
    event.listen(db.engine, "before_cursor_execute", late)
    event.listen(db.engine, "after_cursor_execute", held)
