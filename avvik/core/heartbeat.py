"""The worker's heartbeat: proof that a worker runs and beat schedules its tasks.

Beat sends ``core.heartbeat`` every 30 seconds and a worker records the time here, so
a health check can tell "the worker has stopped" from "nothing happened lately".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, insert, update
from sqlalchemy.orm import Mapped, mapped_column

from avvik.core.db import UTCDateTime
from avvik.extensions import db

#: The row that ``core.heartbeat`` keeps up to date.
WORKER = "worker"


class WorkerHeartbeat(db.Model):
    __tablename__ = "worker_heartbeats"

    #: Which heartbeat this is ("worker": a worker ran a task that beat scheduled).
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)


def record_heartbeat(name: str, now: datetime) -> None:
    """Set the heartbeat ``name`` to ``now``; flushes, the caller commits."""
    changed = db.session.execute(
        update(WorkerHeartbeat).where(WorkerHeartbeat.name == name).values(beat_at=now)
    ).rowcount
    if not changed:
        db.session.execute(insert(WorkerHeartbeat).values(name=name, beat_at=now))
    db.session.flush()


def last_heartbeat(name: str = WORKER) -> datetime | None:
    """When the heartbeat ``name`` was last recorded, or None if never."""
    row = db.session.get(WorkerHeartbeat, name)
    return None if row is None else row.beat_at
