"""One sweep of the escalation ladder (domain.md §4), as of a given moment.

Before the answer deadline: a reminder (the community's reminder_days_before working
days before it). When it passes: level 1, the leaders above the responsible unit; then
level 2, the receiving organisation's coordinators; then level 3, the case is flagged for
the joint committee and its secretariat is told. Each step is claimed with a conditional
UPDATE, so two sweeps at the same moment never take the same step twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from avvik.core.timeutil import utcnow
from avvik.core.workdays import add_working_days
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.notifications.services import queue_email
from avvik.organizations.models import HealthCommunity, Organization
from avvik.reports.events import record_event
from avvik.reports.models import Report, ReportStatus

OPEN = (ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class Step:
    report_id: int
    case_number: str
    kind: str  #: "reminder" or "escalation"
    level: int  #: 0 for a reminder


def due_steps(now: datetime) -> list[Step]:
    """What a sweep at ``now`` would do (nothing is changed)."""
    rows = db.session.execute(
        select(Report, HealthCommunity)
        .join(Organization, Organization.id == Report.receiving_organization_id)
        .join(HealthCommunity, HealthCommunity.id == Organization.health_community_id)
        .where(Report.status.in_(OPEN), Report.answer_due_at.is_not(None),
               Report.escalation_level < 3)
        .order_by(Report.id)
    ).all()
    steps = []
    for report, community in rows:
        due = report.answer_due_at
        if now < due:
            remind_from = add_working_days(due, -community.reminder_days_before)
            if report.reminder_sent_at is None and now >= remind_from:
                steps.append(Step(report.id, report.case_number, "reminder", 0))
            continue
        level = 1
        if now >= add_working_days(due, community.escalation_level2_days):
            level = 2
        if now >= add_working_days(due, community.escalation_level3_days):
            level = 3
        if report.escalation_level < level:
            # One level per sweep, so each is reached once and recorded in order.
            steps.append(Step(report.id, report.case_number, "escalation",
                              report.escalation_level + 1))
    return steps


def sweep(now: datetime | None = None, *, dry_run: bool = False) -> list[Step]:
    """Take every due step that this sweep wins; returns the steps it took."""
    now = now or utcnow()
    steps = due_steps(now)
    if dry_run:
        return steps
    taken = [step for step in steps if _claim(step, now)]
    for step in taken:
        _announce(db.session.get(Report, step.report_id), step, now)
    db.session.flush()
    return taken


def _claim(step: Step, now: datetime) -> bool:
    table = Report.__table__
    query = update(table).where(table.c.id == step.report_id, table.c.status.in_(OPEN))
    if step.kind == "reminder":
        query = query.where(table.c.reminder_sent_at.is_(None)).values(reminder_sent_at=now)
    else:
        query = query.where(table.c.escalation_level == step.level - 1).values(
            escalation_level=step.level, escalated_at=now)
    # Bumping the version makes a handler's stale form fail safely instead of undoing this.
    result = db.session.execute(query.values(version=table.c.version + 1))
    return result.rowcount == 1


def _announce(report: Report, step: Step, now: datetime) -> None:
    db.session.refresh(report)
    due_key = int(report.answer_due_at.timestamp())
    extra = {"level": step.level, "overdue_since": report.answer_due_at.isoformat()}
    if step.kind == "reminder":
        people = recipients.responsible_people(report.responsible_unit,
                                               report.receiving_organization_id)
        record_event(report, "reminder", None)
        template, key = "answer_reminder", f"reminder:{report.id}:{due_key}"
    else:
        people = _ladder(report, step.level)
        record_event(report, "escalated", None, level=step.level,
                     overdue_since=extra["overdue_since"])
        template, key = "escalation", f"escalation:{report.id}:{step.level}:{due_key}"
    for user in people:
        queue_email(user, template, key, report=report, extra=extra)


def _ladder(report: Report, level: int) -> list:
    organization = report.receiving_organization
    if level == 1:
        unit = report.responsible_unit
        above = unit.parent if unit is not None else None
        return recipients.nearest_leaders(above) or recipients.coordinators(organization.id)
    if level == 2:
        return recipients.coordinators(organization.id)
    return recipients.secretariat(organization.health_community_id)
