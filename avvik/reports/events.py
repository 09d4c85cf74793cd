"""Writing the timeline of a case."""

from __future__ import annotations

from typing import Any

from avvik.extensions import db
from avvik.integrations.changes import announce
from avvik.reports.models import Report, ReportEvent
from avvik.reports.reads import note_change
from avvik.users.models import User


def record_event(report: Report, kind: str, actor: User | None, text: str = "",
                 **data: Any) -> ReportEvent:
    """Add one line to the case's timeline (never patient identity in ``text``); a line
    that is news to a side of the case marks it changed there (avvik.reports.reads), and
    one that is a change for the parties tells their webhooks (avvik.integrations)."""
    event = new_event(report, kind, actor, text, **data)
    db.session.add(event)
    changed_at = note_change(report, kind, actor)
    if changed_at is not None:
        announce(report, kind, changed_at)
    return event


def new_event(report: Report, kind: str, actor: User | None, text: str = "",
              **data: Any) -> ReportEvent:
    """One line of the case's timeline, not yet in the session (for a new case written
    with ``avvik.core.rows``)."""
    return ReportEvent(report=report, kind=kind, actor=actor, text=text, data=data)
