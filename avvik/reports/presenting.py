"""Read-only helpers for the case pages: what the viewer may do now, how the deadlines
stand, the names the timeline refers to. Nothing here changes a case; which steps are
offered is the services' own guard (avvik/reports/steps.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from avvik.core.identity_guard import find_identity_numbers
from avvik.core.workdays import working_days_between
from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.reports import scope, vault
from avvik.reports.models import Report, ReportEvent, ReportStatus
from avvik.reports.steps import CaseStep, offered
from avvik.routing.models import RoutingRule
from avvik.users.models import User


@dataclass(frozen=True)
class Viewer:
    """The viewer's relation to one case and the steps they may take on it now."""

    reporting: bool
    receiving: bool
    #: The steps offered now, in the page's order, and their names.
    offered: tuple[CaseStep, ...]
    steps: frozenset[str]
    may_view_identity: bool
    may_edit: bool
    #: Reads the case without a side of it: a quality adviser, the secretariat.
    reads_only: bool = False


def viewer_for(user: User, report: Report) -> Viewer:
    steps = offered(user, report)
    identity = vault.has_identity(report) and vault.may_view_identity(user, report)
    return Viewer(scope.is_on_reporting_side(user, report),
                  scope.is_on_receiving_side(user, report),
                  steps, frozenset(step.name for step in steps), identity,
                  report.status == ReportStatus.DRAFT and report.reporter_id == user.id,
                  reads_only=not steps and scope.reads_only(user, report))


@dataclass(frozen=True)
class Deadline:
    due_at: datetime | None
    #: When the step the deadline is for was done, if it was.
    met_at: datetime | None
    overdue: bool
    #: Working days left, or (when overdue) working days past the deadline.
    working_days: int


def deadline(due_at: datetime | None, met_at: datetime | None, now: datetime) -> Deadline:
    if due_at is None or met_at is not None:
        return Deadline(due_at, met_at, False, 0)
    if due_at < now:
        return Deadline(due_at, None, True, working_days_between(due_at, now))
    return Deadline(due_at, None, False, working_days_between(now, due_at))


def deadlines(report: Report, now: datetime) -> tuple[Deadline, Deadline]:
    """The acknowledge and the answer deadline of the case's current round."""
    return (deadline(report.acknowledge_due_at, report.acknowledged_at, now),
            deadline(report.answer_due_at, report.answered_at, now))


def unit_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return {}
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(wanted))).all())


def rule_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return {}
    return dict(db.session.execute(
        select(RoutingRule.id, RoutingRule.name).where(RoutingRule.id.in_(wanted))).all())


@dataclass(frozen=True)
class TimelineNames:
    """Names of the units and routing rules the timeline's events refer to by id."""

    units: dict[int, str]
    rules: dict[int, str]


def timeline_names(report: Report, events: Iterable[ReportEvent]) -> TimelineNames:
    events = list(events)
    unit_ids = [report.responsible_unit_id]
    for event in events:
        unit_ids += [(event.data or {}).get(k) for k in ("unit_id", "from_unit_id",
                                                          "to_unit_id")]
    rule_ids = [report.routing_rule_id] + [(e.data or {}).get("rule_id") for e in events]
    return TimelineNames(unit_names(unit_ids), rule_names(rule_ids))


@dataclass(frozen=True)
class Excerpt:
    before: str
    number: str
    after: str
    position: int


def identity_excerpts(text: str | None, context: int = 30) -> list[Excerpt]:
    """Where the identity numbers stand in ``text``, with some text on either side."""
    if not text:
        return []
    return [
        Excerpt(("…" if hit.start > context else "") + text[max(0, hit.start - context):hit.start],
                hit.text,
                text[hit.end:hit.end + context] + ("…" if hit.end + context < len(text) else ""),
                hit.position)
        for hit in find_identity_numbers(text)
    ]
