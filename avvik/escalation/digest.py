"""The weekly digest: each leader hears of the open and overdue cases of their units."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from avvik.core.timeutil import OSLO, utcnow
from avvik.extensions import db
from avvik.notifications.services import queue_email
from avvik.reports.models import Report, ReportStatus
from avvik.reports.queries import is_overdue
from avvik.reports.scope import descendants
from avvik.users.models import Membership, Role, User

OPEN = (ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED)
#: Case numbers listed in one digest; the rest are counted.
LISTED = 20


def queue_weekly_digests(now: datetime | None = None) -> int:
    """Queue one digest per leader with open cases, once per ISO week."""
    now = now or utcnow()
    year, week, _ = now.astimezone(OSLO).isocalendar()
    leaders = db.session.execute(
        select(User).join(Membership)
        .where(Membership.role == Role.LEADER, User.is_active).distinct().order_by(User.id)
    ).scalars().all()
    queued = 0
    for leader in leaders:
        units = descendants(m.unit_id for m in leader.memberships if m.role == Role.LEADER)
        cases = db.session.execute(
            select(Report).where(Report.status.in_(OPEN),
                                 Report.responsible_unit_id.in_(units))
            .order_by(Report.answer_due_at)
        ).scalars().all()
        if not cases:
            continue
        overdue = [c for c in cases if is_overdue(c, now)]
        queue_email(leader, "weekly_digest", f"digest:{year}-{week:02d}", extra={
            "open_count": len(cases), "overdue_count": len(overdue),
            "overdue_cases": [c.case_number for c in overdue[:LISTED]],
            "open_cases": [c.case_number for c in cases if c not in overdue][:LISTED],
        })
        queued += 1
    return queued
