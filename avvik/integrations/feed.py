"""The feed of changes: the cases a caller sees, in the order they last changed.

``GET /api/v1/reports?updated_since=...`` (or ``?cursor=...``) reads cases by
``(changed_at, id)``, a range of one index; the cursor is the last row's pair, signed
(itsdangerous, with the app's secret key) so that a client can neither forge nor
misread it. A case that changes again moves to the end of the feed: a client that
keeps following the cursor sees every case's latest state, each change at least once.

Commit-time skew: ``changed_at`` is taken when the change is written, and a transaction
commits a little later. A case stamped at T by a transaction still open would become
visible only after the feed had passed T for rows of quicker transactions, and a cursor
past it would skip it for good. So the feed reads only rows stamped at least
``FEED_SETTLE_SECONDS`` ago (60 by default): longer than any transaction of a request or
a sweep holds a change open, and than the clocks of the app's servers drift apart. The
price is that a change appears in the feed that long after it happened; webhooks tell
of it at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, or_, select

from avvik.core.timeutil import as_utc, utcnow
from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.paging import LIST_LOADS
from avvik.reports.scope import visible_condition
from avvik.users.models import User

SALT = "avvik.feed.cursor"


class BadCursor(ValueError):
    """A cursor this server did not make (or made with another secret key)."""


@dataclass(frozen=True)
class Position:
    """Where the feed stands: after the row ``(changed_at, report_id)``."""

    changed_at: datetime
    report_id: int


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def encode_cursor(position: Position) -> str:
    return _serializer().dumps([as_utc(position.changed_at).isoformat(), position.report_id])


def decode_cursor(text: str) -> Position:
    try:
        stamp, report_id = _serializer().loads(text)
        return Position(as_utc(datetime.fromisoformat(stamp)), int(report_id))
    except (BadSignature, TypeError, ValueError) as error:
        raise BadCursor(str(error)) from None


@dataclass(frozen=True)
class FeedPage:
    items: Sequence[Report]
    #: Continue from here, now or at the next poll (also when this page was empty).
    next_cursor: str
    #: More changes are waiting now: ask again at once with ``next_cursor``.
    has_more: bool


def settled_before(now: datetime) -> datetime:
    """The newest ``changed_at`` the feed shows at ``now`` (see the module's docstring)."""
    return now - timedelta(seconds=current_app.config["FEED_SETTLE_SECONDS"])


def read_changes(user: User, after: Position, *, limit: int,
                 now: datetime | None = None) -> FeedPage:
    """The cases ``user`` sees that changed after ``after``, oldest change first."""
    bound = settled_before(now or utcnow())
    rows = db.session.scalars(
        select(Report).where(
            visible_condition(user), Report.status != ReportStatus.DRAFT,
            Report.changed_at <= bound,
            # (changed_at, id) > after, written so that both databases read a range of
            # ix_reports_changed_at_id from its first column.
            Report.changed_at >= after.changed_at,
            or_(Report.changed_at > after.changed_at,
                and_(Report.changed_at == after.changed_at, Report.id > after.report_id)))
        .order_by(Report.changed_at, Report.id).limit(limit + 1)
        .options(*LIST_LOADS)).unique().all()
    items, has_more = rows[:limit], len(rows) > limit
    last = Position(items[-1].changed_at, items[-1].id) if items else after
    return FeedPage(items, encode_cursor(last), has_more)


def since(moment: datetime) -> Position:
    """The position just before every change at or after ``moment``."""
    return Position(as_utc(moment), 0)
