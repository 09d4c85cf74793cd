"""Answer performance: working days to acknowledge and to answer, and answers in time.

Durations are measured from the latest routing (a forwarded or reopened case starts
again); see ``durations`` for how working days are counted without loading cases.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select

from avvik.extensions import db
from avvik.reports.models import Report
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.base import selection, share
from avvik.stats.queries.durations import DurationStats, duration_stats, working_day_counts
from avvik.stats.queries.names import organization_names
from avvik.users.models import User


@dataclass(frozen=True)
class AnswerPerformance:
    acknowledge: DurationStats  #: routed -> acknowledged
    answer: DurationStats  #: routed -> answered
    answered: int  #: answered cases that had an answer deadline
    answered_in_time: int  #: of those, answered at or before the deadline

    @property
    def within_deadline_share(self) -> float | None:
        return share(self.answered_in_time, self.answered)


def answer_performance(user: User, filters: StatsFilter) -> AnswerPerformance:
    """Working days to acknowledge and to answer, and the share answered in time."""
    chosen = selection(user, filters)
    answered, in_time = _in_time(chosen).get(None, (0, 0))
    return AnswerPerformance(
        acknowledge=duration_stats(working_day_counts(chosen, Report.acknowledged_at)[None]),
        answer=duration_stats(working_day_counts(chosen, Report.answered_at)[None]),
        answered=answered, answered_in_time=in_time)


@dataclass(frozen=True)
class OrganizationPerformance:
    organization_id: int  #: the receiving organisation, which answers
    label: str
    performance: AnswerPerformance


def answer_performance_by_organization(user: User, filters: StatsFilter
                                       ) -> list[OrganizationPerformance]:
    """Answer performance per receiving organisation (the one that answers), by name.

    Organisations with no answered or acknowledged case in the selection are left out.
    """
    chosen, org = selection(user, filters), Report.receiving_organization_id
    in_time = _in_time(chosen, org)
    acknowledge = working_day_counts(chosen, Report.acknowledged_at, org)
    answer = working_day_counts(chosen, Report.answered_at, org)
    ids = {i for i in (*in_time, *acknowledge, *answer) if i is not None}
    names = organization_names(ids)
    rows = [OrganizationPerformance(i, names.get(i, str(i)), AnswerPerformance(
        duration_stats(acknowledge.get(i, Counter())), duration_stats(answer.get(i, Counter())),
        *in_time.get(i, (0, 0)))) for i in ids]
    return sorted(rows, key=lambda row: row.label)


def _in_time(chosen: ColumnElement[bool], group: ColumnElement | None = None
             ) -> dict[int | None, tuple[int, int]]:
    """{group: (answered with a deadline, answered at or before it)}, in SQL."""
    counts = [func.count(), func.count(case((Report.answered_at <= Report.answer_due_at, 1)))]
    query = select(*([] if group is None else [group]), *counts).select_from(Report).where(
        chosen, Report.answered_at.is_not(None), Report.answer_due_at.is_not(None))
    if group is not None:
        query = query.group_by(group)
    rows = db.session.execute(query).all()
    if group is None:
        return {None: tuple(rows[0])}
    return {key: (answered, in_time) for key, answered, in_time in rows}
