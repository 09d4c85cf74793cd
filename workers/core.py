"""Tasks that keep the system itself running."""

from __future__ import annotations

from celery import shared_task

from avvik.core.heartbeat import WORKER, record_heartbeat
from avvik.core.timeutil import utcnow
from avvik.extensions import db


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Record that a worker ran a task beat scheduled (read by the health check)."""
    record_heartbeat(WORKER, utcnow())
    db.session.commit()
