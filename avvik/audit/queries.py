"""Searching the audit trail: by user, action, object, period and client address.

Newest first. Each filter has an index that starts with its column and goes on with the
time (avvik/audit/models.py), so a search reads one range of an index however large the
trail grows. A page fetches one row more than it shows, to know whether another page
follows: the trail is not counted, as a count would read every match.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select

from avvik.audit.models import AuditEntry
from avvik.extensions import db
from avvik.users.models import User

PER_PAGE = 50
#: The most entries one export holds (the newest of the matches).
EXPORT_LIMIT = 50_000


@dataclass(frozen=True)
class AuditFilter:
    actor_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    client_address: str | None = None
    #: From this moment (inclusive) until that one (exclusive), in UTC.
    since: datetime | None = None
    until: datetime | None = None

    def facts(self) -> dict[str, str | int]:
        """What is set, for the audit entry of an export."""
        return {name: value.isoformat() if isinstance(value, datetime) else value
                for name, value in asdict(self).items() if value is not None}


@dataclass(frozen=True)
class AuditPage:
    items: list[AuditEntry]
    page: int
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def matching(filters: AuditFilter) -> Select[tuple[AuditEntry]]:
    """The entries ``filters`` match, newest first."""
    query = select(AuditEntry)
    for column, value in ((AuditEntry.actor_id, filters.actor_id),
                          (AuditEntry.action, filters.action),
                          (AuditEntry.object_type, filters.object_type),
                          (AuditEntry.object_id, filters.object_id),
                          (AuditEntry.client_address, filters.client_address)):
        if value is not None:
            query = query.where(column == value)
    if filters.since is not None:
        query = query.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        query = query.where(AuditEntry.at < filters.until)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def search_page(filters: AuditFilter, *, page: int = 1, per_page: int = PER_PAGE
                ) -> AuditPage:
    rows = list(db.session.scalars(
        matching(filters).offset((page - 1) * per_page).limit(per_page + 1)))
    return AuditPage(rows[:per_page], page, len(rows) > per_page)


def for_export(filters: AuditFilter, *, limit: int = EXPORT_LIMIT) -> Iterator[Row[Any]]:
    """The newest matches, at most ``limit`` and one more (to tell that the export is cut
    short), as plain rows read in batches: no ORM object per entry."""
    columns = AuditEntry.__table__.c
    query = matching(filters).with_only_columns(*columns).limit(limit + 1)
    yield from db.session.execute(query.execution_options(yield_per=1000))


def user_id_by_name(username: str) -> int | None:
    """The id of the user called ``username`` now (any case), or None."""
    return db.session.scalar(select(User.id).where(
        db.func.lower(User.username) == username.strip().lower()).limit(1))


def usernames(ids: set[int]) -> dict[int, str]:
    """Today's user names of ``ids``: the page names the users entries are about."""
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.username).where(User.id.in_(ids))).all())
