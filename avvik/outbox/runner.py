"""Doing one piece of outbox work exactly once, whoever delivers it and how often.

A task first claims its row with a conditional UPDATE (pending, or processing with an
expired lease -> processing). A redelivered message, a second worker or a resent copy
finds nothing to claim and returns. Success marks the row done in the same transaction
as the work; failure puts it back with an exponential back-off, or fails it for good.

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

log = logging.getLogger(__name__)

#: Give up (state failed) after this many attempts.
MAX_ATTEMPTS = 12
#: Back-off after a failure: 2 s, 4 s, 8 s ... capped (below Redis' visibility timeout).
BACKOFF_CAP_SECONDS = 300


class RetryLater(Exception):
    """Raised by a handler for a failure that may pass (SMTP down, a lock)."""


def claim(message_id: int, now: datetime) -> bool:
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               or_(OutboxMessage.state == OutboxState.PENDING,
                   (OutboxMessage.state == OutboxState.PROCESSING)
                   & (OutboxMessage.claimed_at < now - lease)))
        .values(state=OutboxState.PROCESSING, claimed_at=now,
                attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** attempts, BACKOFF_CAP_SECONDS))


def run_outbox_message(message_id: int, handler: Callable[[dict[str, Any]], None], *,
                       now: datetime | None = None) -> str:
    """Claim, run ``handler(payload)``, record the outcome. Returns what happened."""
    now = now or utcnow()
    if not claim(message_id, now):
        return "skipped"
    message = db.session.get(OutboxMessage, message_id)
    try:
        handler(dict(message.payload))
    except RetryLater as error:
        db.session.rollback()
        return _failed(message_id, str(error), now)
    except Exception as error:
        db.session.rollback()
        log.exception("outbox %s (%s) failed", message_id, message.task)
        return _failed(message_id, f"{type(error).__name__}: {error}", now)
    message.state = OutboxState.DONE
    message.done_at = utcnow()
    message.last_error = None
    db.session.commit()
    ring_committed()
    return "done"


def _failed(message_id: int, error: str, now: datetime) -> str:
    message = db.session.get(OutboxMessage, message_id)
    message.last_error = error[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.state = OutboxState.FAILED
        outcome = "failed"
    else:
        message.state = OutboxState.PENDING
        message.available_at = now + backoff(message.attempts)
        message.dispatched_at = None
        outcome = "retry"
    db.session.commit()
    return outcome


class Claimed(NamedTuple):
    """A row taken by ``claim_batch``: its id, attempts so far (this one included), payload."""

    id: int
    attempts: int
    payload: dict[str, Any]


def claim_batch(task: str, size: int, now: datetime, *, own: int | None = None,
                after: int = 0) -> list[Claimed]:
    """Claim up to ``size`` rows of ``task``, sorted by id, in the caller's transaction (it
    commits; the claims hold from then on).

    Row ``own`` (the task's own, if given) is claimed as ``claim`` does, once it is due;
    the others are the first due pending rows after it - rows queued together lie
    together - or, when it was not to be had, after id ``after``.
    Each row's own message, when it comes, finds it taken and returns. PostgreSQL
    skips rows that another worker is claiming this instant (``SKIP LOCKED``); SQLite
    has one writer at a time.
    """
    table = OutboxMessage.__table__
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    taking = {"state": OutboxState.PROCESSING, "claimed_at": now,
              "attempts": table.c.attempts + 1}
    returning = (table.c.id, table.c.attempts, table.c.payload)
    rows: list[Any] = []
    if own is not None:
        rows += db.session.execute(
            update(table).where(table.c.id == own, table.c.task == task,
                                or_((table.c.state == OutboxState.PENDING)
                                    & (table.c.available_at <= now),
                                    (table.c.state == OutboxState.PROCESSING)
                                    & (table.c.claimed_at < now - lease)))
            .values(taking).returning(*returning)).all()
        if rows:
            after = own
    if size > len(rows):
        # Walked in primary-key order from ``after``: ``state || ''`` keeps the planner off
        # the state index, which it favours while its statistics predate a sweep's
        # thousands of new rows, and which then reads and sorts every pending row.
        near = (select(table.c.id)
                .where(table.c.id > after, table.c.task == task,
                       (table.c.state + "") == OutboxState.PENDING.value,
                       table.c.available_at <= now)
                .order_by(table.c.id).limit(size - len(rows))
                .with_for_update(skip_locked=True).cte("near"))
        rows += db.session.execute(
            update(table).where(table.c.id.in_(select(near.c.id)))
            .values(taking).returning(*returning)).all()
    return sorted((Claimed(row.id, row.attempts, dict(row.payload)) for row in rows),
                  key=lambda row: row.id)


def settle(done: Iterable[int], failures: Iterable[tuple[Claimed, str]],
           untried: Iterable[Claimed], now: datetime) -> None:
    """Record the outcome of claimed rows, in the caller's transaction (it commits).

    ``done`` rows are finished; ``failures`` are retried with back-off (or failed for
    good, as ``run_outbox_message`` does); ``untried`` rows go back as they were before
    the claim, due at once, for another task to take.
    """
    table = OutboxMessage.__table__
    done = list(done)
    if done:
        db.session.execute(update(table).where(table.c.id.in_(done)).values(
            state=OutboxState.DONE, done_at=utcnow(), last_error=None))
    for row, error in failures:
        values: dict[str, Any] = {"last_error": error[:2000]}
        if row.attempts >= MAX_ATTEMPTS:
            values["state"] = OutboxState.FAILED
        else:
            values.update(state=OutboxState.PENDING, available_at=now + backoff(row.attempts),
                          dispatched_at=None)
        db.session.execute(update(table).where(table.c.id == row.id).values(values))
    untried_ids = [row.id for row in untried]
    if untried_ids:
        db.session.execute(update(table).where(table.c.id.in_(untried_ids)).values(
            state=OutboxState.PENDING, available_at=now, dispatched_at=None,
            attempts=table.c.attempts - 1))
