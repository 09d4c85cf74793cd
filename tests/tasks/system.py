"""A whole Avvik system for the worker tests: database, Redis, Celery worker, SMTP server.

The test process plays the web side: it files cases through the services (or the API)
and commits, and OUTBOX_PUBLISH publishes the outbox rows to a real Celery worker
subprocess listening on a queue of its own, which routes the case and sends e-mail to a
real SMTP server (aiosmtpd) in this process. Each test gets a fresh database, SQLite or
PostgreSQL, shared by this process, the worker and any ``avvik`` command it runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from sqlalchemy import select

import config
from avvik.app import create_app
from avvik.core.timeutil import OSLO, utcnow
from avvik.extensions import db
from avvik.outbox.dispatch import publish_committed
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.reports.models import Consequence, Report
from avvik.reports.services import ReportInput, create_draft, submit_report
from avvik.routing.models import RoutingRule
from avvik.routing.services import route_report
from avvik.users.models import Role, User
from tests.factories import make_user
from tests.reports.world import build_world
from tests.services import free_port, fresh_postgres_database
from tests.tasks.processes import SmtpServer, clean_environment, log_text, wait_for

T = TypeVar("T")

DATABASES = ("sqlite", "postgresql")
AVVIK = str(Path(sys.executable).parent / "avvik")
MAIL_FROM = "Avvik test <avvik-test@example.org>"
BASE_URL = "http://avvik.test.example"
#: Health data a clinician wrote; it must never appear in an e-mail.
DESCRIPTION = "Pasienten fikk dobbel dose Marevan etter utskrivning fra sengeposten."


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    email: str


@dataclass(frozen=True)
class Cast:
    """The ids the tests need from tests/reports/world.py, plus a secretariat member."""

    reporter: Person
    ward_handler: Person
    ward_leader: Person
    clinic_leader: Person
    hospital_coordinator: Person
    other_ward_handler: Person
    kommune_leader: Person
    secretary: Person
    ids: dict[str, int]  #: hospital, agreement, discharge, medication, ward, rule, ...

    def report_input(self, today: date, **overrides: Any) -> ReportInput:
        values: dict[str, Any] = dict(
            reporting_unit_id=self.ids["district"],
            receiving_organization_id=self.ids["hospital"],
            agreement_id=self.ids["agreement"], transition_id=self.ids["discharge"],
            category_id=self.ids["medication"], event_date=today - timedelta(days=3),
            discovered_date=today - timedelta(days=2), description=DESCRIPTION,
            consequence=Consequence.MINOR, potential_consequence=Consequence.MODERATE,
        )
        values.update(overrides)
        return ReportInput(**values)


def build_cast() -> Cast:
    """The shared case world, a secretariat member and a catch-all rule; committed."""
    world = build_world()
    secretary = make_user("secretary", roles=[(Role.SECRETARIAT, world.clinic.parent)])
    # Matches every case of the hospital, so the test can tell the most specific rule won.
    catch_all = RoutingRule(name="Alt annet til kirurgisk", target_unit=world.other_ward,
                            receiving_organization=world.hospital)
    db.session.add(catch_all)
    db.session.flush()

    def person(user: User) -> Person:
        return Person(user.id, user.username, user.email)

    cast = Cast(
        reporter=person(world.reporter), ward_handler=person(world.ward_handler),
        ward_leader=person(world.ward_leader), clinic_leader=person(world.clinic_leader),
        hospital_coordinator=person(world.hospital_coordinator),
        other_ward_handler=person(world.other_ward_handler),
        kommune_leader=person(world.kommune_leader), secretary=person(secretary),
        ids={"hospital": world.hospital.id, "agreement": world.agreement.id,
             "discharge": world.discharge.id, "medication": world.medication.id,
             "other_category": world.other.id, "district": world.home_care_district.id,
             "ward": world.ward.id, "other_ward": world.other_ward.id,
             "rule": world.rule.id, "catch_all_rule": catch_all.id},
    )
    db.session.commit()
    return cast


class Worker:
    """A real Celery worker subprocess (prefork, ``concurrency`` children) in a process
    group of its own."""

    def __init__(self, env: dict[str, str], log_path: Path, *, beat: bool = False,
                 concurrency: int = 1) -> None:
        self.env, self.log_path, self.beat = env, log_path, beat
        self.concurrency = concurrency
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        queue = self.env["AVVIK_CELERY_QUEUE"]
        argv = [sys.executable, "-m", "celery", "-A", "workers.app", "worker",
                "--concurrency", str(self.concurrency), "-Q", queue,
                "-n", f"{uuid.uuid4().hex[:8]}@%h",
                "--loglevel", "info", "--without-mingle", "--without-gossip",
                "--without-heartbeat"]
        if self.beat:
            argv += ["-B", "-s", str(self.log_path.with_suffix(".beat"))]
        with self.log_path.open("ab") as log:
            # A group of its own: kill() takes the main process, its pool child and beat.
            self.process = subprocess.Popen(argv, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: " ready." in self.log() or self.process.poll() is not None, 60,
                 "the worker to start")
        assert self.process.poll() is None, f"worker exited early:\n{self.log()}"
        return self

    def log(self) -> str:
        return log_text(self.log_path)

    def kill(self) -> None:
        """``kill -9`` of every process of the worker at once, as when a machine dies."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """Stop the whole group at once; the outbox, not the broker, keeps what was left."""
        if self.process is not None and self.process.poll() is None:
            self.kill()


@dataclass
class System:
    """Everything one worker test needs; the test process holds the app context."""

    app: Flask
    env: dict[str, str]
    smtp: SmtpServer
    tmp: Path
    cast: Cast
    workers: list[Worker] = field(default_factory=list)

    # --- processes --------------------------------------------------------------------
    def start_worker(self, *, beat: bool = False, concurrency: int = 1) -> Worker:
        number = len(self.workers) + 1
        worker = Worker(self.env, self.tmp / f"worker-{number}.log", beat=beat,
                        concurrency=concurrency)
        self.workers.append(worker)
        return worker.start()

    def worker_logs(self) -> str:
        return "\n".join(f"--- {w.log_path.name}\n{w.log()}" for w in self.workers)

    def avvik(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run an ``avvik`` command against the same database and broker."""
        done = subprocess.run([AVVIK, *args], env=self.env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, f"avvik {' '.join(args)}:\n{done.stdout}{done.stderr}"
        return done

    # --- the web side -----------------------------------------------------------------
    def file_case(self, *, now: datetime | None = None, routed: bool = False,
                  **overrides: Any) -> int:
        """A clinician files a case: services, one commit, then the publishing (as a request).

        With ``routed`` the case is routed here as of ``now`` (deadlines the test knows),
        and the worker only finds its routing done and sends the e-mails.
        """
        moment = now or utcnow()
        reporter = db.session.get(User, self.cast.reporter.id)
        data = self.cast.report_input(moment.astimezone(OSLO).date(), **overrides)
        report = create_draft(reporter, data, now=now)
        submit_report(reporter, report, now=now)
        if routed:
            assert route_report(report, now=moment)
        report_id = report.id
        db.session.commit()
        publish_committed()
        db.session.remove()  # a transaction left open would hold SQLite's write lock
        return report_id

    def read(self, query: Callable[[], T]) -> T:
        """Run ``query`` in a short transaction of its own; return plain values from it."""
        try:
            return query()
        finally:
            db.session.remove()

    def report(self, report_id: int) -> dict[str, Any]:
        def load() -> dict[str, Any]:
            report = db.session.get(Report, report_id)
            return {
                "status": report.status.value, "case_number": report.case_number,
                "responsible_unit_id": report.responsible_unit_id,
                "routing_rule_id": report.routing_rule_id,
                "routing_basis": report.routing_basis, "routed_at": report.routed_at,
                "escalation_level": report.escalation_level,
                "events": [(e.kind, dict(e.data or {})) for e in report.events],
            }
        return self.read(load)

    def outbox(self) -> list[dict[str, Any]]:
        def load() -> list[dict[str, Any]]:
            rows = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id))
            return [{"id": m.id, "task": m.task, "state": m.state, "attempts": m.attempts,
                     "payload": dict(m.payload), "last_error": m.last_error,
                     "dispatched_at": m.dispatched_at} for m in rows.scalars()]
        return self.read(load)

    # --- waiting and counting ---------------------------------------------------------
    def wait_until_settled(self, timeout: float = 60) -> list[dict[str, Any]]:
        """Wait until every outbox row is done (nothing more can be sent); return them."""
        def settled() -> list[dict[str, Any]] | None:
            rows = self.outbox()
            return rows if rows and all(r["state"] == OutboxState.DONE for r in rows) \
                else None
        try:
            return wait_for(settled, timeout, "every outbox row to be done", interval=0.25)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.outbox()}\n{self.worker_logs()}") from None

    def wait_for_mail(self, count: int, timeout: float = 60) -> list[EmailMessage]:
        try:
            wait_for(lambda: len(self.smtp.messages) >= count, timeout,
                     f"{count} e-mail(s), have {len(self.smtp.messages)}", interval=0.1)
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.outbox()}\n{self.worker_logs()}") from None
        return self.mail()

    def mail(self) -> list[EmailMessage]:
        return [message for _, message in self.smtp.messages]

    def mail_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.mail() if m["To"] == address]

    def assert_no_message_twice(self) -> None:
        counts = Counter(m["Message-ID"] for m in self.mail())
        assert not [mid for mid, n in counts.items() if n > 1], counts


def message_text(message: EmailMessage) -> str:
    """Every header and the decoded text of every part, for "is X in the e-mail?"."""
    parts = [f"{k}: {v}" for k, v in message.items()]
    parts += [part.get_content() for part in message.walk()
              if part.get_content_maintype() == "text"]
    return "\n".join(parts)


#: The kommune's coordinator of tests/reports/world.py (not in the Cast).
KOMMUNE_COORDINATOR = "kkoord@example.org"


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test: a SQLite file or a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'avvik.sqlite3'}"
    else:
        with fresh_postgres_database("avvik_flow") as url:
            yield url


def start_system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str,
                 broker_url: str, *, smtp: SmtpServer | None = None,
                 **settings: str) -> Iterator[System]:
    """Build the database, the app of the test process and a running SMTP server.

    The test starts the workers it needs.

    ``settings`` are AVVIK_* overrides (without the prefix) for every process.
    """
    queue = f"avvik-test-{uuid.uuid4().hex[:12]}"
    smtp = smtp or SmtpServer(free_port())
    values = {
        "ENV": "testing", "DATABASE_URL": database_url, "BROKER_URL": broker_url,
        "CELERY_QUEUE": queue, "OUTBOX_PUBLISH": "on", "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port), "MAIL_FROM": MAIL_FROM, "BASE_URL": BASE_URL,
        "INSTANCE_DIR": str(tmp_path / "instance"), **settings,
    }
    env = clean_environment(**{f"AVVIK_{name}": value for name, value in values.items()})
    for name, value in env.items():
        if name.startswith("AVVIK_"):
            monkeypatch.setenv(name, value)
    app = create_app(config.TestingConfig())
    context = app.app_context()
    context.push()
    system: System | None = None
    try:
        db.create_all()
        system = System(app, env, smtp, tmp_path, build_cast())
        db.session.remove()
        smtp.start()
        yield system
    finally:
        for worker in system.workers if system else []:
            worker.stop()
        smtp.stop()
        db.session.remove()
        app.extensions["celery"].close()
        db.engine.dispose()
        context.pop()
        _forget_queue(broker_url, queue)


def _forget_queue(broker_url: str, queue: str) -> None:
    # Kombu keeps a queue's binding (and any leftover messages) in Redis for good.
    import redis

    client = redis.Redis.from_url(broker_url, socket_connect_timeout=1)
    try:
        client.delete(f"_kombu.binding.{queue}", queue)
    except redis.RedisError:
        pass  # a private Redis that is gone already
    finally:
        client.close()
