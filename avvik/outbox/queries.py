"""Read side of the outbox: the backlog /health reports, the rows an administrator sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, func, or_, select

from avvik.core.timeutil import as_utc
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage, OutboxState

PER_PAGE = 50


@dataclass(frozen=True)
class Backlog:
    pending: int  #: rows not done yet: waiting, in back-off, or claimed by a worker
    failing: int  #: of those, rows whose tries count as failing (still retried)
    failed: int  #: rows failed for good, until an administrator re-queues them
    oldest_seconds: float | None  #: the age of the oldest row not done yet


def unfinished() -> ColumnElement[bool]:
    return OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.PROCESSING])


def troubled() -> ColumnElement[bool]:
    """Rows an administrator should see: failed, or failing and still retried."""
    return or_(OutboxMessage.state == OutboxState.FAILED,
               unfinished() & OutboxMessage.alarmed_at.is_not(None))


def backlog(now: datetime) -> Backlog:
    """The outbox's backlog in one statement, which reads only rows not done (through
    the state index: done rows are nearly all of the table)."""
    row = db.session.execute(
        select(func.count().filter(unfinished()),
               func.min(OutboxMessage.created_at).filter(unfinished()),
               func.count().filter(unfinished() & OutboxMessage.alarmed_at.is_not(None)),
               func.count().filter(OutboxMessage.state == OutboxState.FAILED))
        .where(OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.PROCESSING,
                                        OutboxState.FAILED]))).one()
    pending, oldest_at, failing, failed = row
    oldest = (now - as_utc(oldest_at)).total_seconds() if oldest_at is not None else None
    return Backlog(pending, failing, failed, oldest)


def troubled_page(*, page: int) -> Pagination:
    """Failed and failing rows, oldest first."""
    query = select(OutboxMessage).where(troubled()).order_by(OutboxMessage.id)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)
