"""Ringing the workers: after a commit, and again from a periodic sweep.

The request never waits for the broker for long: a message that cannot be published
is simply left in the outbox, and ``resend_due`` publishes it once the broker is back.
"""

from __future__ import annotations

import logging
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


def publish(message_id: int, task: str) -> bool:
    """Send one outbox id to its task; False (and a log line) if the broker is away."""
    celery = current_app.extensions["celery"]
    try:
        celery.send_task(task, args=[message_id], retry=False)
    except Exception as error:  # any broker failure: the sweep sends it later
        log.warning("outbox %s (%s) not published: %s", message_id, task, error)
        return False
    return True


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
    sent = 0
    for message_id, task in rows:
        if publish(message_id, task):
            sent += 1
            db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                               .values(dispatched_at=now))
    db.session.commit()
    return sent


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
    tasks = dict(db.session.execute(
        select(OutboxMessage.id, OutboxMessage.task).where(OutboxMessage.id.in_(committed))
    ).all())
    now = utcnow()
    published = [mid for mid, task in tasks.items() if publish(mid, task)]
    if published:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(published))
                           .values(dispatched_at=now))
        db.session.commit()
