"""A soak of `make run`'s system under steady use, with its worker killed once.

`avvik serve` runs on the embedded defaults (SQLite, the embedded Valkey broker, a Celery
worker and beat) and sends e-mail to a real SMTP server (aiosmtpd) in this process. Two
clients file cases over the API and one through the web form, steadily, while a reader
loads pages and /health. A third of the way through, the worker is killed with `kill -9`.
Then: no request failed; the worker was back within seconds, restarted once, and nothing
else was restarted; every filed case was routed and every routing e-mail reached the SMTP
server; no e-mail came twice but those in flight at the kill, and those with the same
Message-ID; /health is healthy at the end.

It runs for AVVIK_SOAK_SECONDS (120 by default, so that `make test` stays short). A
longer soak: `AVVIK_SOAK_SECONDS=900 .venv/bin/pytest tests/tasks/test_soak.py`.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from sqlalchemy import select

import config
from avvik.app import create_app
from avvik.extensions import db
from avvik.notifications.recipients import responsible_people
from avvik.reports.models import Report, ReportStatus
from avvik.serving.children import worker_argv
from avvik.serving.state import read_processes, state_path
from tests.services import free_port
from tests.tasks.embedded import (
    Serve,
    api,
    case_body,
    get,
    routing_case,
    serving,
)
from tests.tasks.processes import SmtpServer, wait_for
from tests.tasks.soak_load import Load

SOAK_SECONDS = float(os.environ.get("AVVIK_SOAK_SECONDS") or 120)
#: The work of the killed worker is taken up again once its claim's lease ends, or, for a
#: message it had received but not begun, once the redelivery time has passed: both
#: shorter than the defaults, so that they pass within the soak, yet well above the
#: longest a mail task waits for the SMTP server (its timeout).
RECOVERY_SECONDS = 60
#: After the last filing, every routing e-mail must arrive within this wait.
DRAIN_SECONDS = RECOVERY_SECONDS + 180
#: A killed worker's pool processes each have at most one e-mail claimed and not yet
#: recorded (avvik/notifications/delivery.py): those may come twice.
CONCURRENCY = int(worker_argv()[worker_argv().index("--concurrency") + 1])
IN_FLIGHT_AT_MOST = CONCURRENCY

pytestmark = [pytest.mark.slow, pytest.mark.timeout(SOAK_SECONDS + 900)]


def test_a_soak_with_one_killed_worker_loses_no_request_and_no_email(tmp_path: Path) -> None:
    smtp = SmtpServer(free_port())
    smtp.start()
    try:
        with serving(tmp_path, AVVIK_SMTP_HOST="127.0.0.1", AVVIK_SMTP_PORT=str(smtp.port),
                     AVVIK_OUTBOX_LEASE_SECONDS=str(RECOVERY_SECONDS),
                     AVVIK_OUTBOX_REDELIVERY_SECONDS=str(RECOVERY_SECONDS)) as run:
            token = run.token()
            load = Load(run.base, body=case_body(api(run.base, token, "/catalog")),
                        token=token, seconds=SOAK_SECONDS)
            with load.running():
                time.sleep(SOAK_SECONDS / 3)
                filed_before_kill = len(load.filed)
                window = kill_worker(run, smtp)
                filed_after_restart = len(load.filed)
                time.sleep(max(0.0, load.ends_at - time.monotonic()))
            assert load.failures == [], "\n".join(load.failures[:50])
            assert 0 < filed_before_kill < filed_after_restart < len(load.filed), (
                filed_before_kill, filed_after_restart, len(load.filed))
            assert_healthy_but_while_the_worker_was_down(load.health_answers)

            with instance_database(run.instance):
                expected = wait_for(lambda: routing_recipients(load.filed), DRAIN_SECONDS,
                                    f"every filed case to be routed:\n{run.log()}", interval=2)
            try:
                wait_for(lambda: not unsent(expected, smtp), DRAIN_SECONDS,
                         "every routing e-mail at the SMTP server", interval=1)
            except AssertionError as error:
                raise AssertionError(f"{error}: {unsent(expected, smtp)[:20]}\n"
                                     f"{run.log()}") from None
            health = wait_for(lambda: settled_health(run.base), DRAIN_SECONDS,
                              "an empty outbox and a healthy /health", interval=1)
            assert_one_routing_mail_each(expected, smtp)
            assert_duplicates_only_in_flight(smtp, window)
            assert_only_the_worker_restarted(health["processes"])
            run.stop()
    finally:
        smtp.stop()


def kill_worker(run: Serve, smtp: SmtpServer) -> tuple[int, int]:
    """``kill -9`` the worker; once it is back, the SMTP server's message count at the kill
    and when the killed worker was surely gone: the window of e-mails in flight."""
    state = state_path(run.instance)
    worker = next(p for p in read_processes(state) or [] if p["name"] == "worker")
    os.kill(worker["pid"], signal.SIGKILL)
    at_kill = len(smtp.messages)

    def restarted() -> dict[str, Any] | None:
        now = next(p for p in read_processes(state) or [] if p["name"] == "worker")
        return now if now["running"] and now["pid"] != worker["pid"] else None

    # The supervisor kills the whole group of the dead worker before it starts another.
    again = wait_for(restarted, 10, f"the worker to be restarted:\n{run.log()}")
    gone = len(smtp.messages)
    assert (again["restarts"], again["last_exit"]) == (1, -signal.SIGKILL)
    celery = Celery(broker=config.embedded_broker_url(run.instance))
    try:
        wait_for(lambda: celery.control.ping(timeout=1.0), 60,
                 f"the new worker to answer over the broker:\n{run.log()}")
    finally:
        celery.close()
    return at_kill, gone


@contextmanager
def instance_database(instance: Path) -> Iterator[None]:
    """The instance's SQLite database, read from this process in an app context."""
    settings = config.TestingConfig()
    settings.SQLALCHEMY_DATABASE_URI = f"sqlite:///{instance / 'avvik.sqlite3'}"
    app = create_app(settings)
    with app.app_context():
        try:
            yield
        finally:
            db.session.remove()
            db.engine.dispose()


def routing_recipients(report_ids: list[int]) -> dict[int, set[str]] | None:
    """Whom each case's routing e-mail must reach, once every case is routed (in
    ``instance_database``)."""
    try:
        reports = db.session.scalars(select(Report).where(Report.id.in_(report_ids))).all()
        if len(reports) != len(set(report_ids)) or any(
                report.status != ReportStatus.ROUTED for report in reports):
            return None
        people: dict[tuple[int | None, int], set[str]] = {}
        for report in reports:
            unit = (report.responsible_unit_id, report.receiving_organization_id)
            if unit not in people:
                people[unit] = {user.email for user in responsible_people(
                    report.responsible_unit, report.receiving_organization_id)}
        return {report.id: people[report.responsible_unit_id,
                                  report.receiving_organization_id] for report in reports}
    finally:
        db.session.remove()  # no transaction left open on the instance's SQLite


def routing_mail(smtp: SmtpServer) -> dict[int, dict[str, set[str]]]:
    """Per case, each recipient of its routing e-mails with the Message-IDs it received."""
    found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for _recipients, message in list(smtp.messages):
        report_id = routing_case(message)
        if report_id is not None:
            found[report_id][message["To"]].add(message["Message-ID"])
    return found


def unsent(expected: dict[int, set[str]], smtp: SmtpServer) -> list[tuple[int, str]]:
    found = routing_mail(smtp)
    return [(report_id, address) for report_id, addresses in expected.items()
            for address in sorted(addresses - set(found[report_id]))]


def settled_health(base: str) -> dict[str, Any] | None:
    status, body = get(f"{base}/health")
    health = json.loads(body)
    return health if status == 200 and health["healthy"] and not health["outbox_pending"] \
        else None


def assert_one_routing_mail_each(expected: dict[int, set[str]], smtp: SmtpServer) -> None:
    """Each case's routing e-mails reached exactly its recipients, one Message-ID each."""
    mail = routing_mail(smtp)
    assert set(mail) == set(expected), set(mail) ^ set(expected)
    for report_id, addresses in expected.items():
        assert addresses, f"case {report_id} has no one to tell"
        found = mail[report_id]
        assert set(found) == addresses, (report_id, found, addresses)
        assert all(len(ids) == 1 for ids in found.values()), (report_id, found)


def assert_duplicates_only_in_flight(smtp: SmtpServer, window: tuple[int, int]) -> None:
    """An e-mail that came twice was sent by the killed worker and again after the kill."""
    at_kill, gone = window
    places: dict[str, list[int]] = defaultdict(list)
    for index, (_recipients, message) in enumerate(list(smtp.messages)):
        places[message["Message-ID"]].append(index)
    twice = {mid: found for mid, found in places.items() if len(found) > 1}
    assert len(twice) <= IN_FLIGHT_AT_MOST, len(twice)
    for mid, found in twice.items():
        assert len(found) == 2, (mid, found)
        assert found[0] < gone and found[1] >= at_kill, (mid, found, window)


def assert_healthy_but_while_the_worker_was_down(answers: list[dict[str, Any]]) -> None:
    """The database and broker were fine throughout; once /health was first healthy, it
    was healthy but while the worker was not running."""
    assert all((a["database"], a["broker"]) == ("ok", "ok") for a in answers), answers
    first = next((i for i, answer in enumerate(answers) if answer["healthy"]), len(answers))
    assert first < len(answers), answers[-5:]
    for answer in answers[first:]:
        worker = next(p for p in answer["processes"] if p["name"] == "worker")
        assert answer["healthy"] or not worker["running"], answer


def assert_only_the_worker_restarted(processes: list[dict[str, Any]]) -> None:
    restarts = {p["name"]: (p["running"], p["restarts"]) for p in processes}
    assert restarts.pop("worker") == (True, 1), processes
    assert restarts and set(restarts.values()) == {(True, 0)}, processes
