"""One sweep of the escalation ladder (domain.md §4), as of a given moment.

Before the answer deadline: a reminder (the community's reminder_days_before working
days before it). When it passes: level 1, the leaders above the responsible unit; then
level 2, the receiving organisation's coordinators; then level 3, the case is flagged for
the joint committee and its secretariat is told. Each step is claimed with a conditional
UPDATE, so two sweeps at the same moment never take the same step twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import insert, select, update
from sqlalchemy.orm.util import identity_key

from avvik.committee.models import AgendaSource
from avvik.committee.services import place_on_agenda
from avvik.core.timeutil import utcnow
from avvik.core.workdays import add_working_days
from avvik.extensions import db
from avvik.integrations.changes import announce
from avvik.notifications import recipients
from avvik.notifications.services import email_job
from avvik.organizations.models import HealthCommunity, Organization, Unit
from avvik.outbox.services import Job, enqueue_many
from avvik.reports.models import Report, ReportEvent, ReportStatus
from avvik.users.models import User

OPEN = (ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED)
#: Case ids per statement in the batched claims.
BATCH = 1000


@dataclass(frozen=True)
class Step:
    report_id: int
    case_number: str
    kind: str  #: "reminder" or "escalation"
    level: int  #: 0 for a reminder


def due_steps(now: datetime) -> list[Step]:
    """What a sweep at ``now`` would do (nothing is changed)."""
    # Only the columns the ladder needs: a national sweep reads tens of thousands of open
    # cases, and whole Report rows would cost more than the decisions.
    rows = db.session.execute(
        select(Report.id, Report.case_number, Report.answer_due_at, Report.reminder_sent_at,
               Report.escalation_level, HealthCommunity.reminder_days_before,
               HealthCommunity.escalation_level2_days, HealthCommunity.escalation_level3_days)
        .join(Organization, Organization.id == Report.receiving_organization_id)
        .join(HealthCommunity, HealthCommunity.id == Organization.health_community_id)
        .where(Report.status.in_(OPEN), Report.answer_due_at.is_not(None),
               Report.escalation_level < 3)
        .order_by(Report.id)
    ).all()
    steps = []
    for (report_id, case_number, due, reminded, current, reminder_days, level2_days,
         level3_days) in rows:
        if now < due:
            remind_from = add_working_days(due, -reminder_days)
            if reminded is None and now >= remind_from:
                steps.append(Step(report_id, case_number, "reminder", 0))
            continue
        level = 1
        if now >= add_working_days(due, level2_days):
            level = 2
        if now >= add_working_days(due, level3_days):
            level = 3
        if current < level:
            # One level per sweep, so each is reached once and recorded in order.
            steps.append(Step(report_id, case_number, "escalation", current + 1))
    return steps


def sweep(now: datetime | None = None, *, dry_run: bool = False) -> list[Step]:
    """Take every due step that this sweep wins; returns the steps it took.

    Claims, timeline lines and e-mails are written in batches (one UPDATE per kind of
    step and thousand cases, multi-row INSERTs), so that a sweep over a whole country's
    open cases stays short.
    """
    now = now or utcnow()
    steps = due_steps(now)
    if dry_run:
        return steps
    won = _claim(steps, now)
    taken = [step for step in steps if step.report_id in won]
    people = _Recipients()
    events = [_event(won[step.report_id], step, now) for step in taken]
    if events:
        db.session.execute(insert(ReportEvent.__table__), events)
    items = _place_on_agenda([s for s in taken if s.level == 3], won, now)
    jobs: list[Job] = []
    for step in taken:
        jobs += _emails(won[step.report_id], step, people, items.get(step.report_id))
    enqueue_many(jobs)
    for step in taken:
        if step.kind != "reminder":
            announce(won[step.report_id], "escalated", now)
    _expire_loaded(won)
    return taken


class _Claimed(NamedTuple):
    """What a won claim's RETURNING gives back: all the announcing needs."""

    id: int
    answer_due_at: datetime
    responsible_unit_id: int | None
    receiving_organization_id: int
    reporting_organization_id: int
    joint_organization_id: int | None
    status: ReportStatus


def _claim(steps: list[Step], now: datetime) -> dict[int, _Claimed]:
    """The cases whose step this sweep won, each by a conditional UPDATE."""
    table = Report.__table__
    groups: dict[tuple[str, int], list[int]] = {}
    for step in steps:
        groups.setdefault((step.kind, step.level), []).append(step.report_id)
    won: dict[int, _Claimed] = {}
    for (kind, level), ids in groups.items():
        for start in range(0, len(ids), BATCH):
            query = update(table).where(table.c.id.in_(ids[start:start + BATCH]),
                                        table.c.status.in_(OPEN))
            if kind == "reminder":
                query = query.where(table.c.reminder_sent_at.is_(None)).values(
                    reminder_sent_at=now)
            else:
                # News to the receiving side: its lists mark the case changed.
                # News to the parties' own systems too (the feed, webhooks).
                query = query.where(table.c.escalation_level == level - 1).values(
                    escalation_level=level, escalated_at=now, receiving_changed_at=now,
                    changed_at=now)
            # Bumping the version makes a handler's stale form fail safely instead of
            # undoing this.
            rows = db.session.execute(query.values(version=table.c.version + 1).returning(
                table.c.id, table.c.answer_due_at, table.c.responsible_unit_id,
                table.c.receiving_organization_id, table.c.reporting_organization_id,
                table.c.joint_organization_id, table.c.status))
            won.update((row.id, _Claimed(*row)) for row in rows)
    return won


def _event(claimed: _Claimed, step: Step, now: datetime) -> dict[str, Any]:
    """The timeline line of a step (as record_event writes it)."""
    data: dict[str, Any] = {}
    if step.kind != "reminder":
        data = {"level": step.level, "overdue_since": claimed.answer_due_at.isoformat()}
    return {"report_id": claimed.id, "actor_id": None, "text": "", "created_at": now,
            "kind": "reminder" if step.kind == "reminder" else "escalated", "data": data}


def _place_on_agenda(steps: list[Step], won: dict[int, _Claimed], now: datetime
                     ) -> dict[int, int]:
    """Level 3 puts the case on its committee's agenda (few cases a sweep: one by one);
    returns the agenda item's id by case, for the secretariat's e-mail to link to."""
    if not steps:
        return {}
    _expire_loaded(won)  # the claim moved their version on
    items = {}
    for step in steps:
        report = db.session.get(Report, step.report_id)
        item = place_on_agenda(report, reason="", source=AgendaSource.ESCALATION, actor=None,
                               now=now)
        items[step.report_id] = item.id
    return items


def _emails(claimed: _Claimed, step: Step, people: _Recipients,
            item_id: int | None = None) -> list[Job]:
    due_key = int(claimed.answer_due_at.timestamp())
    extra: dict[str, Any] = {"level": step.level,
                             "overdue_since": claimed.answer_due_at.isoformat()}
    if item_id is not None:  # the secretariat opens the case through its agenda item
        extra["committee_path"] = f"/committee/items/{item_id}"
    if step.kind == "reminder":
        users = people.responsible(claimed)
        template, key = "answer_reminder", f"reminder:{claimed.id}:{due_key}"
    else:
        users = people.ladder(claimed, step.level)
        template, key = "escalation", f"escalation:{claimed.id}:{step.level}:{due_key}"
    return [email_job(user, template, key, report_id=claimed.id, extra=extra)
            for user in users]


def _expire_loaded(won: dict[int, _Claimed]) -> None:
    # Cases this session already holds must show the claim and the new timeline lines.
    for report_id in won:
        report = db.session.identity_map.get(identity_key(Report, report_id))
        if report is not None:
            db.session.expire(report)


class _Recipients:
    """Who is told, asked once per unit, organisation or community within one sweep."""

    def __init__(self) -> None:
        self.cache: dict[tuple[object, ...], list[User]] = {}

    def _get(self, key: tuple[object, ...], find: Callable[[], list[User]]) -> list[User]:
        if key not in self.cache:
            self.cache[key] = find()
        return self.cache[key]

    def responsible(self, case: _Claimed) -> list[User]:
        unit_id, organization_id = case.responsible_unit_id, case.receiving_organization_id
        return self._get(("responsible", unit_id, organization_id),
                         lambda: recipients.responsible_people(_unit(unit_id), organization_id))

    def ladder(self, case: _Claimed, level: int) -> list[User]:
        organization_id = case.receiving_organization_id
        if level == 1:
            unit_id = case.responsible_unit_id
            return self._get(("level1", unit_id, organization_id),
                             lambda: _level_one(_unit(unit_id), organization_id))
        if level == 2:
            return self._get(("coordinators", organization_id),
                             lambda: recipients.coordinators(organization_id))
        community_id = db.session.get(Organization, organization_id).health_community_id
        return self._get(("secretariat", community_id),
                         lambda: recipients.secretariat(community_id))


def _unit(unit_id: int | None) -> Unit | None:
    return db.session.get(Unit, unit_id) if unit_id is not None else None


def _level_one(unit: Unit | None, organization_id: int) -> list[User]:
    above = unit.parent if unit is not None else None
    return recipients.nearest_leaders(above) or recipients.coordinators(organization_id)
