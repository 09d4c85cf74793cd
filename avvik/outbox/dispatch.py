"""Ringing the workers: after a commit, and again from a periodic sweep.

The request never waits for the broker for long: a message that cannot be published
is simply left in the outbox, and ``resend_due`` publishes it once the broker is back.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import Flask, Response, current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.services import NEW_MESSAGES_KEY

log = logging.getLogger(__name__)

#: Session info key for ids committed but not yet published.
COMMITTED_KEY = "avvik_outbox_committed"


#: Publishing gives up at once when the broker is away - no rounds of reconnecting (Kombu
#: spends about six seconds on them even with retry=False), a short connect timeout - so
#: that a request never waits for it; the row stays in the outbox for ``resend_due``.
FAIL_FAST = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}


def publish_all(messages: Iterable[tuple[int, str]]) -> list[int]:
    """Send each (outbox id, task name) to the broker in order; returns the ids sent.

    One fresh connection for the batch (never a pooled one that a broker restart left
    dead), which also declares the queue again. The first failure ends the batch: the
    broker is away, and the rest would only wait for it too.
    """
    messages = list(messages)
    if not messages:
        return []
    celery = current_app.extensions["celery"]
    sent: list[int] = []
    try:
        with celery.connection_for_write(transport_options=FAIL_FAST) as connection:
            producer = celery.amqp.Producer(connection)
            for message_id, task in messages:
                celery.send_task(task, args=[message_id], retry=False, producer=producer)
                sent.append(message_id)
    except Exception as error:  # any broker failure: the sweep sends them later
        log.warning("outbox: %d message(s) not published (%s): %s",
                    len(messages) - len(sent), messages[len(sent)][1], error)
    return sent


def publish(message_id: int, task: str) -> bool:
    """Send one outbox id to its task; False (and a log line) if the broker is away."""
    return publish_all([(message_id, task)]) == [message_id]


def resend_due(now: datetime | None = None) -> int:
    """Publish pending work that is due and work whose worker died; returns how many."""
    now = now or utcnow()
    lease = timedelta(seconds=current_app.config["OUTBOX_LEASE_SECONDS"])
    redelivery = timedelta(seconds=current_app.config["OUTBOX_REDELIVERY_SECONDS"])
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.task).where(or_(
            (OutboxMessage.state == OutboxState.PENDING)
            & (OutboxMessage.available_at <= now)
            & (OutboxMessage.dispatched_at.is_(None)
               | (OutboxMessage.dispatched_at < now - redelivery)),
            (OutboxMessage.state == OutboxState.PROCESSING)
            & (OutboxMessage.claimed_at < now - lease),
        )).order_by(OutboxMessage.id).limit(1000)
    ).all()
    sent = publish_all((message_id, task) for message_id, task in rows)
    if sent:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(sent))
                           .values(dispatched_at=now))
    db.session.commit()
    return len(sent)


def _remember_committed(session: Session) -> None:
    new = session.info.pop(NEW_MESSAGES_KEY, None)
    if new:
        session.info.setdefault(COMMITTED_KEY, []).extend(new)


def _forget_rolled_back(session: Session, _previous: object) -> None:
    # Rows of a rolled-back transaction never existed; the sweep covers any doubt.
    session.info.pop(NEW_MESSAGES_KEY, None)


def init_outbox_dispatch(app: Flask) -> None:
    """Publish each request's committed outbox rows once the request is done."""
    if not event.contains(Session, "after_commit", _remember_committed):
        event.listen(Session, "after_commit", _remember_committed)
        event.listen(Session, "after_soft_rollback", _forget_rolled_back)

    @app.after_request
    def _ring(response: Response) -> Response:
        ring_committed()
        return response


def ring_committed() -> None:
    """Publish the outbox rows committed by this session so far (call after commit)."""
    committed = db.session.info.pop(COMMITTED_KEY, None)
    if not committed or not current_app.config.get("OUTBOX_RING", True):
        return
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.task).where(OutboxMessage.id.in_(committed))
        .order_by(OutboxMessage.id)
    ).all()
    now = utcnow()
    published = publish_all((message_id, task) for message_id, task in rows)
    if published:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(published))
                           .values(dispatched_at=now))
        db.session.commit()
