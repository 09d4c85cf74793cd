"""What ``/health`` and ``avvik worker-status`` report."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, text

from avvik.core.heartbeat import last_heartbeat
from avvik.core.timeutil import as_utc, utcnow
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState
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
    pending = failed = 0
    oldest = None
    if database == "ok":
        pending, oldest_at = db.session.execute(
            select(func.count(), func.min(OutboxMessage.created_at)).where(
                OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.PROCESSING]))
        ).one()
        failed = db.session.execute(select(func.count()).where(
            OutboxMessage.state == OutboxState.FAILED)).scalar_one()
        if oldest_at is not None:
            oldest = (now - as_utc(oldest_at)).total_seconds()
    broker = check_broker()
    processes = read_processes(state_path(current_app.config["INSTANCE_DIR"]))
    healthy = (database == "ok" and broker == "ok" and silent is not None
               and silent <= SILENT_AFTER_SECONDS
               and all(process["running"] for process in processes or []))
    return Health(database, broker, beat.isoformat() if beat else None, silent, pending,
                  failed, oldest, healthy, processes)
