"""Measures (tiltak) drawn over a synthetic history that is already in the database.

A unit's leader starts a measure after the unit has answered a run of cases of one
category: the answered cases are read in order of answering and gathered per
(responsible unit, category); when a bucket is full (or a year old, for the rarer
kinds), now and then its leader starts a measure on the latest cases of the bucket. Its
status and evaluation follow its dates as of ``now``.

``plan_measures`` only draws (pure: the same cases, seed and ``now`` give the same
measures); ``draw_measures`` streams the cases from the database, draws and inserts in
bulk. It serves both the demo (a few thousand cases) and the benchmark's million.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    DateTime,
    Select,
    func,
    select,
    text,
    type_coerce,
)

from avvik.catalog.models import Category
from avvik.core.timeutil import OSLO, add_months, as_utc, oslo_today, to_oslo
from avvik.demo import texts
from avvik.demo.bulk import insert_rows
from avvik.extensions import db
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.reports.models import Report, ReportEvent

M = MeasureStatus
#: Cases of one (unit, category) a leader waits for before considering a measure.
THRESHOLD = (15, 35)
#: A kind of deviation that comes seldom is looked at once its round spans a year and
#: has this many cases (the yearly review); without it a small history, where most
#: (unit, category) pairs never reach THRESHOLD, would get hardly any measures.
REVIEW_AFTER, REVIEW_MIN_CASES = timedelta(days=365), 8
#: With these, about one measure per 50 answered cases, in the demo as at a million.
START_CHANCE = 0.5
#: How many of the bucket's latest cases a measure is linked to.
LINKED = (1, 5)
#: Days from the decision to the start (start_date), and from the start to the due date.
START_AFTER_DAYS = (7, 45)
DURATION_DAYS = (30, 120)
#: Of the measures past their due date: completed, cancelled, the rest still running.
COMPLETED_SHARE, CANCELLED_SHARE = 0.80, 0.05
#: A completed measure that started at least this many months ago was evaluated with
#: this probability, within the month after that.
EVALUATE_AFTER_MONTHS, EVALUATED_SHARE = 6, 0.7
#: Rows per read from the database and per INSERT batch.
STREAM, CHUNK = 10_000, 10_000

#: (report id, responsible unit id, category id, answered at, the case's last change), in
#: order of answering. The moments are in UTC; naive ones (SQLite) count as UTC.
AnsweredCase = tuple[int, int, int, datetime, datetime]


@dataclass(frozen=True)
class PlannedMeasure:
    """One measure as drawn, without its id (given when it is inserted)."""

    owning_unit_id: int
    leader_id: int  #: creates it, links its cases and evaluates it
    category_id: int
    title: str
    description: str
    created_at: datetime  #: also when its cases were linked
    start_date: date
    due_date: date
    status: MeasureStatus
    evaluated_at: datetime | None
    evaluation_note: str | None
    updated_at: datetime
    report_ids: tuple[int, ...]

    def row(self, measure_id: int) -> dict[str, Any]:
        evaluated = self.evaluated_at is not None
        return {"id": measure_id, "title": self.title, "description": self.description,
                "owning_unit_id": self.owning_unit_id, "due_date": self.due_date,
                "status": self.status, "start_date": self.start_date,
                "evaluation_note": self.evaluation_note, "evaluated_at": self.evaluated_at,
                "evaluated_by_id": self.leader_id if evaluated else None,
                "created_by_id": self.leader_id, "created_at": self.created_at,
                "updated_at": self.updated_at}


class _Bucket:
    """The cases of one (unit, category) since its last round; only the latest are kept."""

    __slots__ = ("count", "recent", "review_at", "threshold")

    def __init__(self, threshold: int) -> None:
        self.threshold, self.count = threshold, 0
        self.review_at: datetime | None = None  # set by the round's first case
        self.recent: deque[tuple[int, datetime]] = deque(maxlen=LINKED[1])

    def add(self, report_id: int, answered_at: datetime, updated_at: datetime) -> bool:
        """Count a case in; True when the round is over and a measure may start."""
        self.count += 1
        self.recent.append((report_id, updated_at))
        if self.review_at is None:
            self.review_at = answered_at + REVIEW_AFTER
        return self.count >= self.threshold or (
            self.count >= REVIEW_MIN_CASES and answered_at >= self.review_at)


def draw_measures(leaders: Mapping[int, int], *, now: datetime, seed: int) -> int:
    """Draw measures over the answered cases in the database and insert them; flush.

    ``leaders`` maps a unit's id to its leader's user id (``People.leaders``). Returns
    how many measures were made. Never commits: the callers do.
    """
    db.session.flush()  # the cases must be in the database to be read back
    names = dict(db.session.execute(select(Category.id, Category.name)).all())
    # On the session's connection (Core): the ORM's row handling would double the time.
    with closing(db.session.connection().execute(answered_cases())) as cases:
        planned = plan_measures(cases, leaders, names, now=now, seed=seed)
    insert_measures(planned)
    return len(planned)


def answered_cases() -> Select[AnsweredCase]:
    """The answered cases with a responsible unit, in order of answering (for
    ``plan_measures``)."""
    # Streamed (a server-side cursor on PostgreSQL): a million cases never sit in memory.
    # ``updated_at`` is the case's last change: every event of an answered case is at or
    # before it (see avvik/demo/timeline.py). The moments come as the driver gives them
    # (naive UTC on SQLite): making them aware would add some 2 s at a million cases.
    return (select(Report.id, Report.responsible_unit_id, Report.category_id,
                   type_coerce(Report.answered_at, DateTime(timezone=True)),
                   type_coerce(Report.updated_at, DateTime(timezone=True)))
            .where(Report.answered_at.is_not(None), Report.responsible_unit_id.is_not(None))
            .order_by(Report.answered_at, Report.id)
            .execution_options(yield_per=STREAM))


def plan_measures(cases: Iterable[AnsweredCase], leaders: Mapping[int, int],
                  category_names: Mapping[int, str], *, now: datetime, seed: int
                  ) -> list[PlannedMeasure]:
    """The measures that the answered ``cases`` (in order of answering) give rise to."""
    rng = random.Random(f"{seed}-measures")
    today = oslo_today(now)
    buckets: dict[tuple[int, int], _Bucket] = {}
    planned = []
    for report_id, unit_id, category_id, answered_at, updated_at in cases:
        key = (unit_id, category_id)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = _Bucket(rng.randint(*THRESHOLD))
        if not bucket.add(report_id, answered_at, updated_at):
            continue
        leader = leaders.get(unit_id)
        if leader is not None and rng.random() < START_CHANCE:
            linked = list(bucket.recent)[-rng.randint(*LINKED):]
            planned.append(_draw(rng, unit_id, category_id, leader, linked,
                                 category_names[category_id], now, today))
        # A new round either way: the cases of this one are not linked again.
        buckets[key] = _Bucket(rng.randint(*THRESHOLD))
    return planned


def _draw(rng: random.Random, unit_id: int, category_id: int, leader: int,
          linked: list[tuple[int, datetime]], category_name: str, now: datetime,
          today: date) -> PlannedMeasure:
    # Started after the last change of its cases (mostly their closing), so the
    # "measure_linked" event, written last, is also the latest on each case's timeline
    # (timelines are shown in order of id).
    latest = as_utc(max(updated_at for _, updated_at in linked))
    created = min(latest + timedelta(minutes=rng.randint(10, 240)), now)
    start = to_oslo(created).date() + timedelta(days=rng.randint(*START_AFTER_DAYS))
    due = start + timedelta(days=rng.randint(*DURATION_DAYS))
    status = _status(rng, start, due, today)
    evaluated_at = note = None
    if (status is M.COMPLETED and add_months(start, EVALUATE_AFTER_MONTHS) <= today
            and rng.random() < EVALUATED_SHARE):
        evaluated_at = _evaluation_moment(rng, start, now)
        note = rng.choice(texts.EVALUATION_NOTES)
    return PlannedMeasure(
        owning_unit_id=unit_id, leader_id=leader, category_id=category_id,
        title=f"{rng.choice(texts.MEASURE_TITLES)} – {category_name}",
        description=rng.choice(texts.MEASURE_DESCRIPTIONS), created_at=created,
        start_date=start, due_date=due, status=status, evaluated_at=evaluated_at,
        evaluation_note=note,
        updated_at=_last_change(rng, status, created, start, due, evaluated_at, now),
        report_ids=tuple(report_id for report_id, _ in linked))


def _status(rng: random.Random, start: date, due: date, today: date) -> MeasureStatus:
    if start > today:
        return M.PLANNED
    if due >= today:
        return M.IN_PROGRESS
    draw = rng.random()
    if draw < COMPLETED_SHARE:
        return M.COMPLETED
    if draw < COMPLETED_SHARE + CANCELLED_SHARE:
        return M.CANCELLED
    return M.IN_PROGRESS  # overdue: still running after its due date


def _evaluation_moment(rng: random.Random, start: date, now: datetime) -> datetime:
    """A working hour in the month after the measure has had six months to work."""
    first = add_months(start, EVALUATE_AFTER_MONTHS)
    days = (add_months(start, EVALUATE_AFTER_MONTHS + 1) - first).days
    return min(_office_hour(rng, first + timedelta(days=rng.randrange(days))), now)


def _last_change(rng: random.Random, status: MeasureStatus, created: datetime, start: date,
                 due: date, evaluated_at: datetime | None, now: datetime) -> datetime:
    """When the measure was last saved: evaluated, finished, started, or created."""
    if evaluated_at is not None:
        return evaluated_at
    if status is M.PLANNED:
        return created
    day = start if status is M.IN_PROGRESS else due
    return max(created, min(_office_hour(rng, day), now))


def _office_hour(rng: random.Random, day: date) -> datetime:
    return as_utc(datetime.combine(day, time(rng.randint(8, 15), rng.randint(0, 59)), OSLO))


def insert_measures(planned: list[PlannedMeasure]) -> None:
    """Insert the measures (ids after the current largest), their links, and a
    "measure_linked" event on each linked case as avvik.measures.services writes it."""
    if not planned:
        return
    first = (db.session.scalar(select(func.max(Measure.id))) or 0) + 1
    measures, links, events = [], [], []
    for measure_id, measure in enumerate(planned, start=first):
        measures.append(measure.row(measure_id))
        for report_id in measure.report_ids:
            links.append({"measure_id": measure_id, "report_id": report_id,
                          "linked_by_id": measure.leader_id, "linked_at": measure.created_at})
            events.append({"report_id": report_id, "actor_id": measure.leader_id,
                           "kind": "measure_linked", "text": "",
                           "data": {"measure_id": measure_id},
                           "created_at": measure.created_at})
    # Events get their ids from the table, in time order as the app would have made them.
    events.sort(key=lambda event: event["created_at"])
    # Links in the order of their cases: the foreign-key checks, most of the cost of
    # writing them, then visit the cases' pages in turn.
    links.sort(key=lambda link: link["report_id"])
    connection = db.session.connection()
    for table, rows in ((Measure.__table__, measures), (MeasureReport.__table__, links),
                        (ReportEvent.__table__, events)):
        insert_rows(connection, table, rows)
    if db.session.connection().dialect.name == "postgresql":
        # Ids were given here: the sequence must move past them for the app's own inserts.
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('measures', 'id'), "
                                "(SELECT max(id) FROM measures))"))
    db.session.flush()
