"""Outbox rows are written in the same transaction as the change they follow.

After commit the request rings the worker; a periodic task re-sends rows not done, so a
lost broker message costs latency, never a case or an e-mail.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db


class OutboxState(enum.StrEnum):
    PENDING = "pending"  #: waiting to be done (again, after a failure: see available_at)
    PROCESSING = "processing"  #: claimed by a worker; reclaimable once the lease expires
    DONE = "done"
    #: Will not succeed as it is (a recipient refused for good, an error of ours that
    #: outlasted the retries); an administrator re-queues it once it is mended.
    FAILED = "failed"


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_state_available", "state", "available_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The Celery task name that does the work ("reports.route", "mail.send", ...).
    task: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Makes the same piece of work impossible to enqueue twice (e.g. "route:42:1").
    dedup_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    state: Mapped[OutboxState] = mapped_column(
        Enum(OutboxState, native_enum=False, length=20,
             values_callable=lambda kinds: [k.value for k in kinds]),
        default=OutboxState.PENDING,
    )
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Not to be sent to the broker before this moment (back-off after a failure).
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When a worker claimed it; a claim older than the lease is taken to be a dead worker.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its tries began to count as failing (AVVIK_OUTBOX_ALARM_ATTEMPTS): /health
    #: says so from then on, and the case's timeline was told once, then.
    alarmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
