"""What ``/health`` and ``avvik worker-status`` report."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import text

from avvik.core.heartbeat import last_heartbeat
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.outbox.queries import Backlog, backlog
from avvik.serving.state import read_processes, state_path

#: The worker counts as silent when its last heartbeat is older than this (beat sends one
#: every 30 s).
SILENT_AFTER_SECONDS = 120
#: How long /health waits for the broker, in seconds.
BROKER_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 2}


@dataclass
class Health:
    database: str
    broker: str
    worker_heartbeat_at: str | None
    worker_silent_seconds: float | None
    outbox_pending: int
    outbox_failed: int
    oldest_pending_seconds: float | None
    healthy: bool
    #: Outbox rows still retried whose tries count as failing (an outage that lasts).
    outbox_failing: int = 0
    #: Why it is not healthy, one line each; empty when it is.
    problems: list[str] = field(default_factory=list)
    #: The processes of `avvik serve` (name, pid, running, restarts, last_exit, since),
    #: only when it runs on this instance folder.
    processes: list[dict[str, object]] | None = None

    def as_dict(self) -> dict[str, object]:
        found = asdict(self)
        if self.processes is None:
            del found["processes"]
        return found


def check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:  # any driver error means "not ok", with its reason
        db.session.rollback()
        return f"error: {type(error).__name__}"


def check_broker() -> str:
    celery = current_app.extensions["celery"]
    try:
        # Socket timeouts too: a broker that accepts connections but never answers (a
        # hung process behind a unix socket) must not hold /health.
        with celery.connection_for_write(transport_options=BROKER_TIMEOUTS) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return "ok"
    except Exception as error:  # a broker that cannot be reached, for whatever reason
        return f"error: {type(error).__name__}"


def health(now: datetime | None = None) -> Health:
    now = now or utcnow()
    database = check_database()
    beat = last_heartbeat() if database == "ok" else None
    silent = (now - beat).total_seconds() if beat else None
    outbox = backlog(now) if database == "ok" else Backlog(0, 0, 0, None)
    broker = check_broker()
    processes = read_processes(state_path(current_app.config["INSTANCE_DIR"]))
    problems = _problems(database, broker, silent, outbox, processes)
    return Health(database, broker, beat.isoformat() if beat else None, silent,
                  outbox.pending, outbox.failed, outbox.oldest_seconds, not problems,
                  outbox_failing=outbox.failing, problems=problems, processes=processes)


def _problems(database: str, broker: str, silent: float | None, outbox: Backlog,
              processes: list[dict[str, object]] | None) -> list[str]:
    config = current_app.config
    problems = [f"{name}: {state}" for name, state in
                (("database", database), ("broker", broker)) if state != "ok"]
    if silent is None or silent > SILENT_AFTER_SECONDS:
        problems.append("worker: no heartbeat" if silent is None
                        else f"worker: silent for {silent:.0f} s")
    problems += [f"process {process['name']}: not running" for process in processes or []
                 if not process["running"]]
    if outbox.failing:
        problems.append(f"outbox: {outbox.failing} message(s) failing, still retried "
                        f"(see /outbox/)")
    age = config["OUTBOX_ALARM_AGE_SECONDS"]
    if outbox.oldest_seconds is not None and outbox.oldest_seconds > age:
        problems.append(f"outbox: the oldest message not done is "
                        f"{outbox.oldest_seconds:.0f} s old (more than {age:.0f} s)")
    return problems
