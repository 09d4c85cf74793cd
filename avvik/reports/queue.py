"""The start page's work queue: what a person has to do, what is new to them, and for
leaders and coordinators their units' or organisation's figures.

Each section is one statement over the user's scope: its count (``count(*) OVER ()``,
over every match) and its first few cases, on a condition that a composite index of
reports answers (bench/lists.py measures them at a million cases). Each section's
``link`` opens the case list filtered to exactly the cases it counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import joinedload

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.reports import reads
from avvik.reports.models import Report, ReportStatus
from avvik.reports.queries import (
    OPEN_STATUSES,
    ListView,
    due_this_week_condition,
    overdue_condition,
    view_condition,
)
from avvik.reports.scope import Reach, reach_of, visible_condition
from avvik.users.models import Role, User

FIRST = 5
S = ReportStatus


@dataclass
class Section:
    key: str  #: "approve", "acknowledge", ... (the template names it)
    count: int
    reports: list[Report]
    link: dict[str, Any]  #: the query string of the case list that shows them all


@dataclass
class Figures:
    """Counts at a glance over a leader's units or a coordinator's organisations."""

    key: str  #: "units" or "organizations"
    names: list[str]
    counts: dict[str, int]


@dataclass
class WorkQueue:
    sections: list[Section]
    figures: list[Figures] = field(default_factory=list)
    markers: dict[int, str] = field(default_factory=dict)  #: unread rows: "new", "changed"

    @property
    def is_empty(self) -> bool:
        return not any(s.count for s in self.sections)


def work_queue(user: User, now: datetime | None = None, first: int = FIRST) -> WorkQueue:
    """The person's queue at ``now``: only the sections their roles have."""
    now = now or utcnow()
    reach = reach_of(user)
    plans = _plans(user, reach, now)
    found = {key: _section(user, reach, condition, order, first)
             for key, (condition, order, _link) in plans.items()}
    loaded = _load({i for ids, _count in found.values() for i in ids})
    sections = [Section(key, count, [loaded[i] for i in ids if i in loaded], plans[key][2])
                for key, (ids, count) in found.items()]
    shown = list(loaded.values())
    return WorkQueue(sections, _figures(user, reach, now),
                     reads.markers(user, reach, shown, now))


def _plans(user: User, reach: Reach, now: datetime
           ) -> dict[str, tuple[ColumnElement[bool], Any, dict[str, Any]]]:
    """Section -> (condition, order of its first cases, the list's query string)."""
    mine = view_condition(user, ListView.MINE, reach)
    plans: dict[str, tuple[ColumnElement[bool], Any, dict[str, Any]]] = {}
    if reach.led_units:  # as the list "all" with this status shows them
        plans["approve"] = (Report.status == S.AWAITING_APPROVAL, Report.submitted_at.asc(),
                            {"view": "all", "status": S.AWAITING_APPROVAL.value})
    if reach.handled_units or reach.coordinated_orgs:
        inbox = view_condition(user, ListView.INBOX, reach)
        unread = reads.unread_condition(user, reach, now, sides=(reads.RECEIVING,))
        plans.update({
            "acknowledge": (inbox & (Report.status == S.ROUTED),
                            Report.acknowledge_due_at.asc(),
                            {"view": "inbox", "status": S.ROUTED.value}),
            "answer": (inbox & (Report.status == S.ACKNOWLEDGED), Report.answer_due_at.asc(),
                       {"view": "inbox", "status": S.ACKNOWLEDGED.value}),
            "overdue": (inbox & overdue_condition(now), Report.answer_due_at.asc(),
                        {"view": "inbox", "overdue": "y"}),
            "due_this_week": (inbox & due_this_week_condition(now),
                              Report.answer_due_at.asc(), {"view": "inbox", "due": "week"}),
            "unread_inbox": (inbox & unread, Report.receiving_changed_at.desc(),
                             {"view": "inbox", "cases": "all", "unread": "1"}),
        })
    plans.update({
        "decide": (mine & (Report.status == S.ANSWERED), Report.answered_at.desc(),
                   {"view": "mine", "status": S.ANSWERED.value}),
        "unread_mine": (mine & reads.unread_condition(user, reach, now,
                                                      sides=(reads.REPORTING,)),
                        Report.reporting_changed_at.desc(), {"view": "mine", "unread": "1"}),
        "drafts": (mine & (Report.status == S.DRAFT), Report.created_at.desc(),
                   {"view": "mine", "status": S.DRAFT.value}),
    })
    return plans


def _section(user: User, reach: Reach, condition: ColumnElement[bool], order: Any,
             first: int) -> tuple[list[int], int]:
    """The ids of the first cases and the number of all of them, in one statement."""
    rows = db.session.execute(
        select(Report.id, func.count().over())
        .where(visible_condition(user, reach), condition)
        .order_by(order, Report.id).limit(first)).all()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


def _load(ids: set[int]) -> dict[int, Report]:
    if not ids:
        return {}
    reports = db.session.execute(select(Report).where(Report.id.in_(ids)).options(
        joinedload(Report.category), joinedload(Report.responsible_unit),
        joinedload(Report.reporting_unit), joinedload(Report.receiving_organization)
    )).unique().scalars()
    return {r.id: r for r in reports}


def _figures(user: User, reach: Reach, now: datetime) -> list[Figures]:
    figures = []
    led = _top_units(user, reach.led_units)
    if led:
        figures.append(Figures("units", led, _counts(
            user, reach, now, Report.responsible_unit_id.in_(reach.led_units),
            Report.reporting_unit_id.in_(reach.led_units))))
    if reach.coordinated_orgs:
        orgs = sorted({m.unit.organization.name for m in user.memberships
                       if m.unit.organization_id in reach.coordinated_orgs})
        counts = _counts(user, reach, now,
                         Report.receiving_organization_id.in_(reach.coordinated_orgs),
                         Report.reporting_organization_id.in_(reach.coordinated_orgs))
        counts["not_routed"] = db.session.execute(_counting(
            user, reach, Report.receiving_organization_id.in_(reach.coordinated_orgs)
            & Report.responsible_unit_id.is_(None), OPEN_STATUSES,
            func.count())).scalar_one()
        figures.append(Figures("organizations", orgs, counts))
    return figures


def _counts(user: User, reach: Reach, now: datetime, received: ColumnElement[bool],
            sent: ColumnElement[bool]) -> dict[str, int]:
    """Open, overdue, due this week and escalated among the cases received; waiting for
    an answer and answered among those sent. Two statements, each over open cases."""
    into = db.session.execute(_counting(
        user, reach, received, OPEN_STATUSES, func.count(),
        func.count().filter(overdue_condition(now)),
        func.count().filter(due_this_week_condition(now)),
        func.count().filter(Report.escalation_level > 0))).one()
    out = db.session.execute(_counting(
        user, reach, sent, (*OPEN_STATUSES, S.ANSWERED),
        func.count().filter(Report.status != S.ANSWERED),
        func.count().filter(Report.status == S.ANSWERED))).one()
    return dict(zip(("open", "overdue", "due_this_week", "escalated", "sent_waiting",
                     "sent_answered"), (*into, *out), strict=True))


def _counting(user: User, reach: Reach, condition: ColumnElement[bool],
              statuses: tuple[ReportStatus, ...], *counts: Any) -> Select:
    return select(*counts).select_from(Report).where(
        visible_condition(user, reach), condition, Report.status.in_(statuses))


def _top_units(user: User, led: frozenset[int]) -> list[str]:
    """The names of the units the user leads directly (those below are counted in)."""
    return sorted({m.unit.name for m in user.memberships
                   if m.unit_id in led and m.role == Role.LEADER})
