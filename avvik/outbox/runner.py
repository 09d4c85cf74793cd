"""Doing one piece of outbox work exactly once, whoever delivers it and how often.

A task first claims its row with a conditional UPDATE (pending, or processing with an
expired lease -> processing). A redelivered message, a second worker or a resent copy
finds nothing to claim and returns. Success marks the row done in the same transaction
as the work; failure puts it back with an exponential back-off, or fails it for good.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, update

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
