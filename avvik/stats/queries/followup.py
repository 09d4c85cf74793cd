"""Follow-up of cases: open and overdue per unit, escalations per level, and feedback.

Escalations and feedback count the same cases (the whole selection) in different ways,
so they come from one pass: one statement gives both, and the selection's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select

from avvik.core.db import run
from avvik.core.sql import in_codes
from avvik.core.timeutil import utcnow
from avvik.reports.models import Report, ReportStatus
from avvik.reports.queries import OPEN_STATUSES, overdue_condition
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.base import Selection, Shape, condition, resolve, share
from avvik.stats.queries.names import unit_labels
from avvik.users.models import User

#: The escalation levels counted: 1 parent unit's leader, 2 coordinators, 3 joint committee.
LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class UnitLoad:
    unit_id: int | None  #: None: with the coordinators, or not routed yet
    organization_id: int  #: the receiving organisation
    label: str
    open: int | str  #: submitted, routed or acknowledged ("<5" once suppressed)
    overdue: int | str  #: of those, past the acknowledge or answer deadline


def open_and_overdue_per_unit(user: User, filters: StatsFilter,
                              now: datetime | None = None) -> list[UnitLoad]:
    """Open and overdue cases per responsible unit, most open first.

    Of the cases in the selection (the period too), those open at ``now``. Overdue is
    what the case lists call overdue (avvik.reports.queries.overdue_condition).
    """
    return unit_loads(resolve(user, filters), now)


def unit_loads(chosen: Selection, now: datetime | None = None) -> list[UnitLoad]:
    """``open_and_overdue_per_unit`` of a resolved selection."""
    rows = run(_open_per_unit(chosen.shape), {**chosen.params, "now": now or utcnow()}).all()
    labels = unit_labels({(u, o) for u, o, _, _ in rows})
    loads = [UnitLoad(u, o, labels[(u, o)], n, late) for u, o, n, late in rows]
    return sorted(loads, key=lambda load: (-load.open, load.label))


@dataclass(frozen=True)
class EscalationCount:
    level: int  #: 1 parent unit's leader, 2 coordinators, 3 joint committee
    count: int  #: cases that reached this level (or a higher one)


@dataclass(frozen=True)
class Feedback:
    closed: int
    closed_delivered: int  #: closed cases whose answer reached the reporting side
    answered: int  #: answered or closed
    answered_delivered: int  #: of those, the answer reached the reporting side

    @property
    def closed_share(self) -> float | None:
        return share(self.closed_delivered, self.closed)

    @property
    def answered_share(self) -> float | None:
        return share(self.answered_delivered, self.answered)


@dataclass(frozen=True)
class FollowUp:
    """Escalations and feedback of a selection, and its total, from one statement."""

    total: int
    escalations: list[EscalationCount]
    feedback: Feedback


def escalations_per_level(user: User, filters: StatsFilter) -> list[EscalationCount]:
    """Cases that reached each escalation level, as the case records it.

    A reopened case starts a new round at level 0, so only its latest round counts.
    """
    return follow_up(resolve(user, filters)).escalations


def feedback(user: User, filters: StatsFilter) -> Feedback:
    """Did the answer reach the reporter? For closed cases, and for every answered one.

    Closing requires delivery, so the closed share shows data that broke that rule; the
    answered share shows answers still on their way.
    """
    return follow_up(resolve(user, filters)).feedback


def follow_up(chosen: Selection) -> FollowUp:
    total, *counts = run(_follow_up(chosen.shape), chosen.params).one()
    escalations = [EscalationCount(level, n)
                   for level, n in zip(LEVELS, counts[:len(LEVELS)], strict=True)]
    return FollowUp(total, escalations, Feedback(*counts[len(LEVELS):]))


@lru_cache(maxsize=64)
def _follow_up(shape: Shape) -> Select[Any]:
    delivered = Report.answer_delivered_at.is_not(None)
    is_closed = in_codes(Report.status, (ReportStatus.CLOSED,))
    is_answered = in_codes(Report.status, (ReportStatus.ANSWERED, ReportStatus.CLOSED))
    return select(
        func.count(),
        *(func.count(case((Report.escalation_level >= n, 1))) for n in LEVELS),
        func.count(case((is_closed, 1))),
        func.count(case((and_(is_closed, delivered), 1))),
        func.count(case((is_answered, 1))),
        func.count(case((and_(is_answered, delivered), 1))),
    ).select_from(Report).where(condition(shape))


@lru_cache(maxsize=64)
def _open_per_unit(shape: Shape) -> Select[Any]:
    overdue = func.count(case((overdue_condition(bindparam("now")), 1)))  # type: ignore[arg-type]
    return (select(Report.responsible_unit_id, Report.receiving_organization_id,
                   func.count(), overdue).select_from(Report)
            .where(condition(shape), in_codes(Report.status, OPEN_STATUSES))
            .group_by(Report.responsible_unit_id, Report.receiving_organization_id))
