"""Writing work for the workers into the outbox, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage

#: Session info key under which new outbox ids wait for the commit (see dispatch).
NEW_MESSAGES_KEY = "avvik_outbox_new"


def enqueue(task: str, payload: dict[str, Any], *, dedup_key: str | None = None,
            available_at: datetime | None = None) -> OutboxMessage:
    """Add one piece of work; it is sent to the broker only after the commit.

    With a ``dedup_key`` the same piece of work is written once, however often asked.
    """
    if dedup_key is not None:
        existing = db.session.execute(
            select(OutboxMessage).filter_by(dedup_key=dedup_key)
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    message = OutboxMessage(task=task, payload=payload, dedup_key=dedup_key,
                            available_at=available_at or utcnow())
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(NEW_MESSAGES_KEY, []).append(message.id)
    return message
