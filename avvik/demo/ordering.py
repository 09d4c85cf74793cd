"""Keeping the demo's timelines in time order when a later step adds a line inside a case's
life (a link between two reports, a notice recorded hours after routing).

The app shows a timeline in order of id, and the history's lines are already in the
database, so such a line, written last, would show after the case was closed. The cases
it touches get their lines written again in order of time, as the app would have made
them. Only the demo's own steps run before this (no outbox row names a line yet).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, insert, select

from avvik.extensions import db
from avvik.reports.models import ReportEvent

#: A case's life ends when it is first closed or linked to a measure: what a later demo
#: step adds must come before.
ENDING = ("closed", "measure_linked")
#: Cases per statement, well below SQLite's limit on bound parameters.
CHUNK = 500


def life_ends(report_ids: Iterable[int]) -> dict[int, datetime]:
    """When each of these cases was first closed or linked to a measure (if it was)."""
    ids, ends = sorted(set(report_ids)), {}
    for start in range(0, len(ids), CHUNK):
        ends.update(db.session.execute(
            select(ReportEvent.report_id, func.min(ReportEvent.created_at))
            .where(ReportEvent.report_id.in_(ids[start:start + CHUNK]),
                   ReportEvent.kind.in_(ENDING))
            .group_by(ReportEvent.report_id)).all())
    return ends


def put_in_time_order(report_ids: Iterable[int]) -> None:
    """Write these cases' timelines again so that their order of id is that of time."""
    db.session.flush()
    ids = sorted(set(report_ids))
    columns = [c for c in ReportEvent.__table__.columns if c.key != "id"]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        rows = db.session.execute(
            select(*columns).where(ReportEvent.report_id.in_(chunk))
            .order_by(ReportEvent.report_id, ReportEvent.created_at, ReportEvent.id)
        ).mappings().all()
        db.session.execute(delete(ReportEvent).where(ReportEvent.report_id.in_(chunk))
                           .execution_options(synchronize_session=False))
        if rows:
            db.session.execute(insert(ReportEvent), [dict(row) for row in rows])
    # Lines loaded before are gone: nothing may reuse them from the session.
    db.session.expire_all()
