"""Answer performance: working days to acknowledge and to answer, and answers in time.

Durations are measured from the latest routing (a forwarded or reopened case starts
again) and stored on the case; see ``durations``. One statement, one pass over the
selection, gives everything: per receiving organisation and pair (working days to
acknowledge, to answer) the number of cases, and how many of them were answered with a
deadline and at or before it. The pairs are few (tens of values each), so the histograms
are summed up here, per organisation and over all of them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select

from avvik.core.db import run
from avvik.reports.models import Report
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.base import Selection, Shape, condition, resolve, share
from avvik.stats.queries.durations import DurationStats, duration_stats
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
    return overall_performance(performance_tallies(user, filters))


def performance_tallies(user: User, filters: StatsFilter) -> dict[int, Tally]:
    """{receiving organisation: its tally}: one pass that serves both the overall figures
    and the figures per organisation (histograms add up; medians would not)."""
    return tallies_of(resolve(user, filters))


def tallies_of(chosen: Selection) -> dict[int, Tally]:
    """``performance_tallies`` of a resolved selection."""
    out: dict[int, Tally] = defaultdict(Tally)
    # .all(): a row per organisation and pair of durations, a thousand or more, in one
    # fetch.
    for key, acknowledge_days, answer_days, cases, answered_cases, in_time in run(
            _tallies(chosen.shape), chosen.params).all():
        tally = out[key]
        if acknowledge_days is not None:
            tally.acknowledge[acknowledge_days] += cases
        if answer_days is not None:
            tally.answer[answer_days] += cases
        tally.answered += answered_cases
        tally.in_time += in_time
    return out


def overall_performance(tallies: dict[int, Tally]) -> AnswerPerformance:
    """The performance of every organisation's cases together."""
    total = Tally()
    for tally in tallies.values():
        total.add(tally)
    return total.performance()


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
    return performance_per_organization(performance_tallies(user, filters))


def performance_per_organization(tallies: dict[int, Tally]) -> list[OrganizationPerformance]:
    """The tallies' rows, by organisation name."""
    names = organization_names({i for i in tallies if i is not None})
    rows = [OrganizationPerformance(i, names.get(i, str(i)), tally.performance())
            for i, tally in tallies.items() if i is not None]
    return sorted(rows, key=lambda row: row.label)


@dataclass
class Tally:
    acknowledge: Counter[int] = field(default_factory=Counter)  #: {working days: cases}
    answer: Counter[int] = field(default_factory=Counter)
    answered: int = 0  #: answered cases that had an answer deadline
    in_time: int = 0

    def add(self, other: Tally) -> None:
        self.acknowledge.update(other.acknowledge)
        self.answer.update(other.answer)
        self.answered += other.answered
        self.in_time += other.in_time

    def performance(self) -> AnswerPerformance:
        return AnswerPerformance(duration_stats(self.acknowledge), duration_stats(self.answer),
                                 self.answered, self.in_time)


@lru_cache(maxsize=64)
def _tallies(shape: Shape) -> Select[Any]:
    """Per receiving organisation and pair of durations: the cases that were acknowledged
    or answered, those answered with a deadline, and those answered in time."""
    acknowledge, answer = Report.acknowledge_working_days, Report.answer_working_days
    answered = and_(Report.answered_at.is_not(None), Report.answer_due_at.is_not(None))
    group = Report.receiving_organization_id
    return (select(group, acknowledge, answer, func.count(), func.count(case((answered, 1))),
                   func.count(case((Report.answered_at <= Report.answer_due_at, 1))))
            .select_from(Report)
            .where(condition(shape), or_(acknowledge.is_not(None), answer.is_not(None),
                                         answered))
            .group_by(group, acknowledge, answer))
