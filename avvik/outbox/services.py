"""Writing work for the workers into the outbox, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState

#: Session info key under which new outbox ids wait for the commit (see dispatch).
NEW_MESSAGES_KEY = "avvik_outbox_new"
#: Dedup keys looked up per query (well below every database's parameter limit).
KEY_BATCH = 1000


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


#: (task, payload, dedup key or None): one piece of work for ``enqueue_many``.
Job = tuple[str, dict[str, Any], str | None]


def enqueue_many(jobs: Iterable[Job]) -> list[int]:
    """``enqueue`` for many pieces of work at once (a sweep queues thousands of e-mails):
    one query finds the dedup keys already written, one multi-row INSERT writes the rest.
    Returns the ids of the rows written."""
    jobs = list(jobs)
    keys = [key for _task, _payload, key in jobs if key is not None]
    known: set[str] = set()
    for start in range(0, len(keys), KEY_BATCH):
        known.update(db.session.execute(select(OutboxMessage.dedup_key).where(
            OutboxMessage.dedup_key.in_(keys[start:start + KEY_BATCH]))).scalars())
    now = utcnow()
    rows = []
    for task, payload, key in jobs:
        if key is not None:
            if key in known:
                continue
            known.add(key)  # the same key twice in one batch is one job
        rows.append({"task": task, "payload": payload, "dedup_key": key,
                     "state": OutboxState.PENDING, "attempts": 0, "created_at": now,
                     "available_at": now})
    if not rows:
        return []
    table = OutboxMessage.__table__
    ids = list(db.session.execute(insert(table).returning(
        table.c.id, sort_by_parameter_order=True), rows).scalars())
    db.session.info.setdefault(NEW_MESSAGES_KEY, []).extend(ids)
    return ids
