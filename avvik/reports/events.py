"""Writing the timeline of a case."""

from __future__ import annotations

from typing import Any

from avvik.extensions import db
from avvik.reports.models import Report, ReportEvent
from avvik.users.models import User


def record_event(report: Report, kind: str, actor: User | None, text: str = "",
                 **data: Any) -> ReportEvent:
    """Add one line to the case's timeline (never patient identity in ``text``)."""
    event = ReportEvent(report=report, kind=kind, actor=actor, text=text, data=data)
    db.session.add(event)
    return event
