"""Writing work for the workers into the outbox, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app, has_request_context
from sqlalchemy import ColumnElement, Insert, bindparam, exists, insert, select, update

from avvik.core.permissions import require_admin
from avvik.core.rows import keep_as_loaded
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.queries import troubled
from avvik.users.models import User

#: Session info key under which new outbox rows wait for the commit (see dispatch):
#: (id, task, stamped) each.
NEW_MESSAGES_KEY = "avvik_outbox_new"
#: Dedup keys looked up per query (well below every database's parameter limit).
KEY_BATCH = 1000


def enqueue(task: str, payload: dict[str, Any], *, dedup_key: str | None = None,
            available_at: datetime | None = None) -> OutboxMessage:
    """Add one piece of work; it is sent to the broker only after the commit.

    With a ``dedup_key`` the same piece of work is written once, however often asked.
    """
    now = utcnow()
    stamp = _ring_stamp(now)
    values = {"task": task, "payload": payload, "dedup_key": dedup_key,
              "state": OutboxState.PENDING, "attempts": 0, "created_at": now,
              "available_at": available_at or now, "dispatched_at": stamp}
    new_id = db.session.execute(_INSERT_UNLESS_QUEUED, values).scalar_one_or_none()
    if new_id is None:  # written before: the same work is not queued twice
        return db.session.execute(
            select(OutboxMessage).filter_by(dedup_key=dedup_key)).scalar_one()
    _remember_new([(new_id, task)], stamped=stamp is not None)
    # The row as the session would have loaded it, without loading it.
    message = OutboxMessage(id=new_id, last_error=None, claimed_at=None, done_at=None,
                            **values)
    keep_as_loaded(message)
    return message


def _insert_unless_queued() -> Insert:
    """``INSERT ... SELECT <values> WHERE NOT EXISTS (<a row with the dedup key>)
    RETURNING id``: one statement, which SQLAlchemy compiles once (it compiles its
    dialects' ON CONFLICT forms anew on every use), in SQL that PostgreSQL and SQLite
    both run. Several times cheaper than a SELECT and an ORM flush."""
    table = OutboxMessage.__table__
    values = select(*(bindparam(name, type_=table.c[name].type) for name in _COLUMNS))
    already = exists().where(table.c.dedup_key == bindparam("dedup_key"))
    return insert(table).from_select(_COLUMNS, values.where(~already)).returning(table.c.id)


_COLUMNS = ("task", "payload", "dedup_key", "state", "attempts", "created_at", "available_at",
            "dispatched_at")
_INSERT_UNLESS_QUEUED = _insert_unless_queued()


def _ring_stamp(now: datetime) -> datetime | None:
    """``dispatched_at`` for a row written now: ``now`` where the publishing is certain to
    publish it right after the commit, else None (the sweep sends it).

    In a request the app's ``after_request`` rings (see dispatch); stamping the row in
    the same INSERT spares an UPDATE and a commit after every request. The publishing clears
    the stamp of what it could not publish, so the sweep sends that at its next round;
    only a process killed between commit and publishing leaves a stamp, and the sweep then
    sends the row once ``OUTBOX_REDELIVERY_SECONDS`` have passed, as for a message
    the broker lost.
    """
    if has_request_context() and current_app.config.get("OUTBOX_PUBLISH", True):
        return now
    return None


def _remember_new(messages: list[tuple[int, str]], *, stamped: bool) -> None:
    # (id, task, stamped): all the publishing needs, so it reads nothing back after the commit.
    db.session.info.setdefault(NEW_MESSAGES_KEY, []).extend(
        (message_id, task, stamped) for message_id, task in messages)


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
    stamp = _ring_stamp(now)
    rows = []
    for task, payload, key in jobs:
        if key is not None:
            if key in known:
                continue
            known.add(key)  # the same key twice in one batch is one job
        rows.append({"task": task, "payload": payload, "dedup_key": key,
                     "state": OutboxState.PENDING, "attempts": 0, "created_at": now,
                     "available_at": now, "dispatched_at": stamp})
    if not rows:
        return []
    table = OutboxMessage.__table__
    ids = list(db.session.execute(insert(table).returning(
        table.c.id, sort_by_parameter_order=True), rows).scalars())
    _remember_new([(i, row["task"]) for i, row in zip(ids, rows, strict=True)],
                  stamped=stamp is not None)
    return ids


def requeue_message(actor: User, message: OutboxMessage, *,
                    now: datetime | None = None) -> bool:
    """Have a failed or failing row tried again at once, its tries counted from nought.

    False when there is nothing to re-queue: it is done, or a worker is trying it now.
    """
    require_admin(actor)
    return _requeue(OutboxMessage.id == message.id, now or utcnow()) == 1


def requeue_troubled(actor: User, *, now: datetime | None = None) -> int:
    """``requeue_message`` for every failed and failing row; returns how many."""
    require_admin(actor)
    return _requeue(troubled(), now or utcnow())


def _requeue(which: ColumnElement[bool], now: datetime) -> int:
    # A row a worker holds (processing) is being tried already: left to that try.
    rows = db.session.execute(
        update(OutboxMessage)
        .where(which, OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.FAILED]))
        .values(state=OutboxState.PENDING, available_at=now, attempts=0, alarmed_at=None,
                dispatched_at=None)
        .returning(OutboxMessage.id, OutboxMessage.task)).all()
    # Rung after the commit, as new work is.
    _remember_new([(row.id, row.task) for row in rows], stamped=False)
    return len(rows)
