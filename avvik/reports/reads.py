"""Read markers: what changed on a case since a person last had it in front of them.

A case carries the moment of the last change each side has to know of
(``reporting_changed_at``, ``receiving_changed_at``); ``case_reads`` the moment each
person last opened it or acted on it. A case is unread for a person on a side when that
side's change is recent and later than their read, or they never read it. One's own step
stamps one's read with the change, so it is never news to oneself.

Only changes of the last ``UNREAD_DAYS`` count: that bounds every count to a range of an
index (a clinic's inbox holds years of cases), and a change untouched for months is no
longer news. The columns are written without the ORM's version check (see
``note_change``): they are not the case's content, and two comments at once must both land.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.integrations.changes import is_change
from avvik.reports.models import CaseRead, Report
from avvik.reports.scope import Reach, receiving_side_condition, reporting_side_condition
from avvik.users.models import User

UNREAD_DAYS = 90
REPORTING, RECEIVING = "reporting_changed_at", "receiving_changed_at"
BOTH = (REPORTING, RECEIVING)

#: Timeline lines that are news, and to which side. Not news: a submission (the leaders
#: who approve have their own queue), e-mails, identity views and deletions, reminders,
#: the answer's delivery (the system saying the reporter has read it).
NEWS: dict[str, tuple[str, ...]] = {
    "approved": (REPORTING,), "returned": (REPORTING,),
    "routed": (RECEIVING,), "escalated": (RECEIVING,),
    "acknowledged": BOTH, "answered": BOTH, "comment": BOTH, "reopened": BOTH,
    "forwarded": BOTH, "closed": BOTH, "withdrawn": BOTH,
}


def note_change(report: Report, kind: str, actor: User | None,
                now: datetime | None = None) -> datetime | None:
    """Stamp the sides ``kind`` is news to, and the actor's own read, at ``now``; and the
    case's ``changed_at`` when ``kind`` is a change for the parties' own systems
    (avvik/integrations/changes.py). Returns ``now`` when the case changed so.

    A Core UPDATE: the ORM would bump ``version`` and make a comment fail a handler's
    answer posted meanwhile. The loaded report is told the new values as committed ones.
    """
    # One UPDATE for both: a change the parties hear of costs the case no second write.
    columns = [*NEWS.get(kind, ()), *(["changed_at"] if is_change(kind) else [])]
    if not columns or report.id is None:
        return None
    now = now or utcnow()
    table = Report.__table__
    db.session.execute(update(table).where(table.c.id == report.id)
                       .values(dict.fromkeys(columns, now)))
    for column in columns:
        set_committed_value(report, column, now)
    if actor is not None and kind in NEWS:
        mark_seen(actor, report, now)
    return now if "changed_at" in columns else None


def mark_seen(user: User, report: Report, now: datetime | None = None) -> None:
    """The person has the case in front of them now (one upsert; no change to the case)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(CaseRead.__table__).values(user_id=user.id, report_id=report.id,
                                        seen_at=now or utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["user_id", "report_id"],
        set_={"seen_at": statement.excluded.seen_at}))


def changed_since_seen(user: User, side: str, now: datetime) -> ColumnElement[bool]:
    """The cases whose ``side`` changed within the window and after ``user`` last read
    them (a range of the side's index, one primary-key probe of case_reads each)."""
    changed = Report.__table__.c[side]
    read_since = exists().where(CaseRead.user_id == user.id, CaseRead.report_id == Report.id,
                                CaseRead.seen_at >= changed)
    return and_(changed > now - timedelta(days=UNREAD_DAYS), ~read_since)


def unread_condition(user: User, reach: Reach, now: datetime, *, sides: Sequence[str] = BOTH
                     ) -> ColumnElement[bool]:
    """Unread for ``user`` on the sides of the case they are on (of ``sides``)."""
    parts = []
    if REPORTING in sides:
        parts.append(and_(reporting_side_condition(user, reach),
                          changed_since_seen(user, REPORTING, now)))
    if RECEIVING in sides:
        parts.append(and_(receiving_side_condition(reach),
                          changed_since_seen(user, RECEIVING, now)))
    return or_(*parts) if parts else false()


def markers(user: User, reach: Reach, reports: Iterable[Report], now: datetime | None = None
            ) -> dict[int, str]:
    """For the shown rows: "new" (never opened) or "changed" (since last opened), by id;
    a row that is neither is left out. One statement for the page. A reporter has seen
    their own report: it can only have changed."""
    ids = [r.id for r in reports]
    if not ids:
        return {}
    now = now or utcnow()
    seen = select(CaseRead.seen_at).where(CaseRead.user_id == user.id,
                                         CaseRead.report_id == Report.id).scalar_subquery()
    rows = db.session.execute(select(Report.id, seen, Report.reporter_id).where(
        Report.id.in_(ids), unread_condition(user, reach, now))).all()
    return {id_: "new" if seen_at is None and reporter_id != user.id else "changed"
            for id_, seen_at, reporter_id in rows}


def changes_of(events: Iterable[dict[str, Any]]) -> dict[str, datetime | None]:
    """The two columns as the given timeline lines (dicts: kind, created_at) leave them,
    for cases written in bulk (the demo's and the benchmark's history)."""
    stamps: dict[str, datetime | None] = dict.fromkeys(BOTH)
    for event in events:
        for side in NEWS.get(event["kind"], ()):
            current = stamps[side]
            if current is None or event["created_at"] > current:
                stamps[side] = event["created_at"]
    return stamps
