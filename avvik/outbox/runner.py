"""Doing one piece of outbox work exactly once, whoever delivers it and how often.

A task first claims its row with a conditional UPDATE (pending, or processing with an
expired lease -> processing). A redelivered message, a second worker or a resent copy
finds nothing to claim and returns. Success marks the row done in the same transaction
as the work; failure puts it back with a back-off, or fails it for good when it will
not pass by itself (avvik/outbox/retry.py).

Work that records its own outcome (an e-mail: its timeline line, a refusal) claims with
``claim_due`` and records with ``finish`` or ``fail``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import or_, update

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.outbox.dispatch import publish_committed
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
    publish_committed()
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
    """A row taken by ``claim_due``: its id, attempts so far (this one included), payload,
    and whether it counted as failing already."""

    id: int
    attempts: int
    payload: dict[str, Any]
    alarmed: bool = False


def claim_due(message_id: int, task: str, now: datetime) -> Claimed | None:
    """Claim row ``message_id`` of ``task`` if it is due, in the caller's transaction (it
    commits; the claim holds from then on). Due: pending and its time come, or claimed
    by a worker whose lease has expired (a killed worker's row comes back this way).

    For work that records its own outcome (``finish``, ``fail``) rather than leaving it
    to ``run_outbox_message``.
    """
    table = OutboxMessage.__table__
    expired = now - timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    row = db.session.execute(
        update(table).where(table.c.id == message_id, table.c.task == task,
                            or_((table.c.state == OutboxState.PENDING)
                                & (table.c.available_at <= now),
                                (table.c.state == OutboxState.PROCESSING)
                                & (table.c.claimed_at < expired)))
        .values(state=OutboxState.PROCESSING, claimed_at=now,
                attempts=next_attempt(table.c.attempts))
        .returning(table.c.id, table.c.attempts, table.c.payload, table.c.alarmed_at)).first()
    if row is None:
        return None
    return Claimed(row.id, row.attempts, dict(row.payload), row.alarmed_at is not None)


def finish(message_id: int) -> None:
    """Mark a claimed row done, in the caller's transaction."""
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        state=OutboxState.DONE, done_at=utcnow(), last_error=None))


def fail(row: Claimed, error: str, kind: Failing, now: datetime) -> bool:
    """Record a failed try of a claimed row, in the caller's transaction: retried with
    back-off, or failed for good (``after_failure``). True when the row began to count as
    failing with this try."""
    values = after_failure(row.attempts, row.alarmed, kind, error, now)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                       .values(values))
    return "alarmed_at" in values
