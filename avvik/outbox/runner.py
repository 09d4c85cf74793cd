"""Doing one piece of outbox work exactly once, whoever delivers it and how often.

A task first claims its row with a conditional UPDATE (pending, or processing with an
expired lease -> processing). A redelivered message, a second worker or a resent copy
finds nothing to claim and returns. Success marks the row done in the same transaction
as the work; failure puts it back with a back-off, or fails it for good when it will
not pass by itself (avvik/outbox/retry.py).

Work that is cheap per row and costly per task (e-mail) is claimed in batches instead:
``claim_batch`` takes the task's own row and other due rows of the same task at once,
``settle`` records what became of each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import or_, select, update

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.outbox.dispatch import ring_committed
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.retry import (
    Failing,
    RetryLater,
    after_failure,
    failing_kind,
    next_attempt,
)

log = logging.getLogger(__name__)


def claim(message_id: int, now: datetime) -> bool:
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               or_(OutboxMessage.state == OutboxState.PENDING,
                   (OutboxMessage.state == OutboxState.PROCESSING)
                   & (OutboxMessage.claimed_at < now - lease)))
        .values(state=OutboxState.PROCESSING, claimed_at=now,
                attempts=next_attempt(OutboxMessage.attempts))
    )
    db.session.commit()
    return result.rowcount == 1


def run_outbox_message(message_id: int, handler: Callable[[dict[str, Any]], None], *,
                       now: datetime | None = None) -> str:
    """Claim, run ``handler(payload)``, record the outcome. Returns what happened."""
    now = now or utcnow()
    if not claim(message_id, now):
        return "skipped"
    message = db.session.get(OutboxMessage, message_id)
    try:
        handler(dict(message.payload))
    except Exception as error:
        db.session.rollback()
        kind = failing_kind(error)
        if kind == Failing.FAULT:
            log.exception("outbox %s (%s) failed", message_id, message.task)
        said = str(error) if isinstance(error, RetryLater) else (
            f"{type(error).__name__}: {error}")
        return _failed(message_id, said, kind, now)
    message.state = OutboxState.DONE
    message.done_at = utcnow()
    message.last_error = None
    db.session.commit()
    ring_committed()
    return "done"


def _failed(message_id: int, error: str, kind: Failing, now: datetime) -> str:
    message = db.session.get(OutboxMessage, message_id)
    values = after_failure(message.attempts, message.alarmed_at is not None, kind, error,
                           now)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(values))
    db.session.commit()
    return "failed" if values["state"] == OutboxState.FAILED else "retry"


class Claimed(NamedTuple):
    """A row taken by ``claim_batch``: its id, attempts so far (this one included), payload,
    and whether it counted as failing already."""

    id: int
    attempts: int
    payload: dict[str, Any]
    alarmed: bool = False


def claim_batch(task: str, size: int, now: datetime, *, own: int | None = None,
                after: int = 0) -> list[Claimed]:
    """Claim up to ``size`` rows of ``task``, sorted by id, in the caller's transaction (it
    commits; the claims hold from then on).

    Row ``own`` (the task's own, if given) is claimed as ``claim`` does, once it is due;
    the others are the first due rows after it - rows queued together lie together - or,
    when it was not to be had, after id ``after``. Due rows are pending ones whose time
    has come and claimed ones whose lease has expired: a worker killed while it held a
    batch had them all, and one message for the first brings back every one.
    Each row's own message, when it comes, finds it taken and returns. PostgreSQL
    skips rows that another worker is claiming this instant (``SKIP LOCKED``); SQLite
    has one writer at a time.
    """
    table = OutboxMessage.__table__
    expired = now - timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    taking = {"state": OutboxState.PROCESSING, "claimed_at": now,
              "attempts": next_attempt(table.c.attempts)}
    returning = (table.c.id, table.c.attempts, table.c.payload, table.c.alarmed_at)
    rows: list[Any] = []
    if own is not None:
        rows += db.session.execute(
            update(table).where(table.c.id == own, table.c.task == task,
                                or_((table.c.state == OutboxState.PENDING)
                                    & (table.c.available_at <= now),
                                    (table.c.state == OutboxState.PROCESSING)
                                    & (table.c.claimed_at < expired)))
            .values(taking).returning(*returning)).all()
        if rows:
            after = own
    if size > len(rows):
        # Walked in primary-key order from ``after``: ``state || ''`` keeps the planner off
        # the state index, which it favours while its statistics predate a sweep's
        # thousands of new rows, and which then reads and sorts every pending row.
        state = table.c.state + ""
        near = (select(table.c.id)
                .where(table.c.id > after, table.c.task == task,
                       or_((state == OutboxState.PENDING.value)
                           & (table.c.available_at <= now),
                           (state == OutboxState.PROCESSING.value)
                           & (table.c.claimed_at < expired)))
                .order_by(table.c.id).limit(size - len(rows))
                .with_for_update(skip_locked=True).cte("near"))
        rows += db.session.execute(
            update(table).where(table.c.id.in_(select(near.c.id)))
            .values(taking).returning(*returning)).all()
    return sorted((Claimed(row.id, row.attempts, dict(row.payload), row.alarmed_at is not None)
                   for row in rows), key=lambda row: row.id)


class Failure(NamedTuple):
    """A claimed row whose try failed: the error, and what kind of failure it was."""

    row: Claimed
    error: str
    kind: Failing = Failing.OUTAGE


def settle(done: Iterable[int], failures: Iterable[Failure], untried: Iterable[Claimed],
           now: datetime) -> list[Claimed]:
    """Record the outcome of claimed rows, in the caller's transaction (it commits).

    ``done`` rows are finished; ``failures`` are retried with back-off, or failed for
    good, as ``run_outbox_message`` does; ``untried`` rows go back as they were before
    the claim, due at once, for another task to take. Returns the rows that began to
    count as failing with this try.
    """
    table = OutboxMessage.__table__
    done = list(done)
    if done:
        db.session.execute(update(table).where(table.c.id.in_(done)).values(
            state=OutboxState.DONE, done_at=utcnow(), last_error=None))
    alarmed = []
    for row, error, kind in failures:
        values = after_failure(row.attempts, row.alarmed, kind, error, now)
        db.session.execute(update(table).where(table.c.id == row.id).values(values))
        if "alarmed_at" in values:
            alarmed.append(row)
    untried_ids = [row.id for row in untried]
    if untried_ids:
        db.session.execute(update(table).where(table.c.id.in_(untried_ids)).values(
            state=OutboxState.PENDING, available_at=now, dispatched_at=None,
            attempts=table.c.attempts - 1))
    return alarmed
