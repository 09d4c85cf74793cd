"""Ringing the workers: after a commit, and again from a periodic sweep.

The request never waits for the broker for long: a message that cannot be published
is simply left in the outbox, and ``resend_due`` publishes it once the broker is back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, Response, current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.services import NEW_MESSAGES_KEY

log = logging.getLogger(__name__)

#: Session info key for (id, task, stamped) of rows committed but not yet published.
COMMITTED_KEY = "avvik_outbox_committed"
#: Where an app keeps its process's broker connection.
BROKER_KEY = "avvik_outbox_broker"


#: Publishing gives up at once when the broker is away - no rounds of reconnecting (Kombu
#: spends about six seconds on them even with retry=False), a short connect timeout - so
#: that a request never waits for it; the row stays in the outbox for ``resend_due``.
FAIL_FAST = {"max_retries": 0, "socket_connect_timeout": 2, "socket_timeout": 5}


class KeptConnection:
    """One broker connection per process, kept from one batch to the next.

    Opening a connection (and declaring the queue on it) for every request cost more
    than the publishing itself. A kept connection may have died with a broker restart:
    the first failure on it is retried once on a fresh connection, which also declares
    the queue again; a failure on a fresh connection ends the batch at once. Celery
    sends to a direct queue through the anonymous exchange, straight onto the queue, so
    a broker that lost its bindings in a restart still gets the message.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # a Kombu connection is not for two threads at once
        self._pid = 0
        self._connection: Any = None
        self._producer: Any = None

    def publish(self, celery: Any, messages: list[tuple[int, str]]) -> list[int]:
        sent: list[int] = []
        with self._lock:
            while True:
                kept = self._connection is not None and self._pid == os.getpid()
                try:
                    self._open(celery)
                    for message_id, task in messages[len(sent):]:
                        celery.send_task(task, args=[message_id], retry=False,
                                         producer=self._producer)
                        sent.append(message_id)
                    return sent
                except Exception as error:  # any broker failure: the sweep sends them later
                    self._close()
                    if kept and not _timed_out(error):
                        continue  # a connection the broker dropped: once more, afresh
                    log.warning("outbox: %d message(s) not published (%s): %s",
                                len(messages) - len(sent), messages[len(sent)][1], error)
                    return sent

    def _open(self, celery: Any) -> None:
        if self._connection is not None and self._pid == os.getpid():
            return
        # A connection inherited through fork() belongs to the parent: not closed here
        # (that would shut its socket for the parent too), only forgotten.
        self._connection, self._producer = None, None
        connection = celery.connection_for_write(transport_options=FAIL_FAST)
        self._connection, self._pid = connection, os.getpid()
        self._producer = celery.amqp.Producer(connection)

    def _close(self) -> None:
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            with contextlib.suppress(Exception):  # dead already: nothing to save
                connection.release()


def _timed_out(error: Exception) -> bool:
    # A broker that hangs would make a second try wait as long again.
    return isinstance(error, TimeoutError) or "Timeout" in type(error).__name__


def publish_all(messages: Iterable[tuple[int, str]]) -> list[int]:
    """Send each (outbox id, task name) to the broker in order; returns the ids sent.

    The first failure ends the batch: the broker is away, and the rest would only wait
    for it too.
    """
    messages = list(messages)
    if not messages:
        return []
    broker = current_app.extensions.setdefault(BROKER_KEY, KeptConnection())
    return broker.publish(current_app.extensions["celery"], messages)


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
    db.session.commit()
    return len(_stamp_and_publish([(message_id, task) for message_id, task in rows], [],
                                  now))


def _stamp_and_publish(unstamped: list[tuple[int, str]], stamped: list[tuple[int, str]],
                       now: datetime) -> list[int]:
    """Publish the rows, ``unstamped`` ones stamped ``dispatched_at`` first, in a
    transaction of their own; clear the stamp of what could not be published.

    The stamp is committed before any worker hears of the rows: a write to them after
    the publishing would hold their locks while the workers claim them, and PostgreSQL's
    ``SKIP LOCKED`` would leave them behind, pending with an idle worker, until the
    redelivery time.
    """
    messages = sorted(unstamped + stamped)
    if not messages:
        return []
    try:
        if unstamped:
            db.session.execute(update(OutboxMessage).where(
                OutboxMessage.id.in_([i for i, _task in unstamped]))
                .values(dispatched_at=now))
            db.session.commit()
    except SQLAlchemyError as error:  # the sweep publishes them at its next round
        db.session.rollback()
        log.warning("outbox: %d message(s) not stamped, left to the sweep: %s",
                    len(unstamped), type(error).__name__)
        messages = sorted(stamped)
    published = publish_all(messages)
    sent = set(published)
    unsent = [i for i, _task in messages if i not in sent]
    if unsent:
        try:
            # Only a row still waiting for its message: one a worker took meanwhile (a
            # resent copy, a neighbour's batch) keeps what it has.
            db.session.execute(update(OutboxMessage).where(
                OutboxMessage.id.in_(unsent), OutboxMessage.state == OutboxState.PENDING)
                .values(dispatched_at=None))
            db.session.commit()
        except SQLAlchemyError as error:  # sent again once the redelivery time is over
            db.session.rollback()
            log.warning("outbox: dispatch times of %s not cleared: %s", unsent,
                        type(error).__name__)
    return published


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
    app.extensions[BROKER_KEY] = KeptConnection()

    @app.after_request
    def _publish_after_request(response: Response) -> Response:
        publish_committed()
        return response


def publish_committed() -> None:
    """Publish the outbox rows committed by this session so far (call after commit).

    A row written with its ``dispatched_at`` stamped (in a request) needs no write before
    it is published; other rows are stamped first (``_stamp_and_publish``). A row that
    is not published loses its stamp, so that the sweep sends it at its next round.
    """
    committed = db.session.info.pop(COMMITTED_KEY, None)
    if not committed or not current_app.config.get("OUTBOX_PUBLISH", True):
        return
    _stamp_and_publish([(i, task) for i, task, stamped in committed if not stamped],
                       [(i, task) for i, task, stamped in committed if stamped], utcnow())
