"""Synthetic history at national scale, drawn by the demo's own generator (avvik/demo).

The demo health community (structure, catalogue, people, routing rules) is created as
``avvik demo-data`` creates it; then ``n`` cases over ``years`` years are drawn with the
demo's Sampler and CaseBuilder (the shares of domain.md §7, the same life of a case) and
written in chunks: COPY on PostgreSQL, executemany on SQLite. Ids and case numbers are
given here, in order of submission, so that chunks never wait for RETURNING.
"""

from __future__ import annotations

import queue
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text

from avvik.auth.passwords import hash_password
from avvik.core.timeutil import to_oslo
from avvik.core.workdays import is_working_day
from avvik.demo.bulk import insert_rows
from avvik.demo.catalog import create_catalog
from avvik.demo.measures import draw_measures
from avvik.demo.people import DEMO_PASSWORD, create_people
from avvik.demo.rules import Router, create_rules
from avvik.demo.sampling import MONTH_FACTOR, Sampler
from avvik.demo.spec import Staffing
from avvik.demo.structure import create_structure
from avvik.demo.timeline import Built, CaseBuilder
from avvik.extensions import db
from avvik.integrations.changes import changed_at_of
from avvik.reports.models import CaseNumberCounter, Report, ReportEvent
from avvik.reports.reads import changes_of

SEED = 2026
CHUNK = 10_000


@dataclass
class Loaded:
    cases: int
    events: int  #: of the cases' own history; the measures' "measure_linked" come on top
    measures: int = 0


def _moments(sampler: Sampler, n: int, years: int) -> list[datetime]:
    """Sampler.moments over ``years`` years instead of two: same seasons and weekdays."""
    today = to_oslo(sampler.now).date()
    start = date(today.year - years, today.month, 1)
    days = [start + timedelta(days=i) for i in range((today - start).days + 1)]
    weights = [MONTH_FACTOR[d.month - 1] * (1.0 if is_working_day(d) else 0.35)
               * (0.85 + 0.3 * i / len(days)) for i, d in enumerate(days)]
    picked = sampler.rng.choices(days, weights=weights, k=n)
    return sorted(sampler._time_on(day) for day in picked)


def create_community(now: datetime) -> tuple[Sampler, CaseBuilder]:
    """The demo community in the app's database (flushed), and the generator over it."""
    community = create_structure()
    catalog = create_catalog(community.id)
    people = create_people(community, hash_password(DEMO_PASSWORD), SEED)
    rules = create_rules(community, catalog)
    rng = random.Random(f"{SEED}-bench")
    sampler = Sampler(community, catalog, people, rng, now)
    builder = CaseBuilder(rng, Staffing(community, people, Router(rules), SEED), now)
    return sampler, builder


def chunks(sampler: Sampler, builder: CaseBuilder, n: int, years: int
           ) -> Iterator[list[Built]]:
    moments = _moments(sampler, n, years)
    for start in range(0, n, CHUNK):
        yield [builder.build(sampler.natural(m)) for m in moments[start:start + CHUNK]]


class Numbering:
    """Ids for cases and events, and case numbers SA-YYYY-N per year, in order."""

    def __init__(self) -> None:
        self.report_id = self.event_id = 0
        self.per_year: dict[int, int] = {}

    def apply(self, cases: list[Built]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        reports, events = [], []
        for case in sorted(cases, key=lambda c: c.row["submitted_at"] or c.row["created_at"]):
            self.report_id += 1
            # The read markers' stamps as the timeline leaves them (the start page counts
            # what changed lately: avvik/reports/queue.py).
            row = dict(case.row, id=self.report_id, **changes_of(case.events),
                       changed_at=changed_at_of(case.events, case.row["created_at"]))
            if row["submitted_at"] is not None:
                year = to_oslo(row["submitted_at"]).year
                self.per_year[year] = self.per_year.get(year, 0) + 1
                row["case_number"] = f"SA-{year}-{self.per_year[year]:05d}"
            reports.append(row)
            for event in sorted(case.events, key=lambda e: e["created_at"]):
                self.event_id += 1
                events.append({**event, "id": self.event_id, "report_id": self.report_id})
        return reports, events


def load(n: int, years: int, now: datetime) -> Loaded:
    """Create the community and ``n`` cases in the app's database; commits."""
    sampler, builder = create_community(now)
    db.session.commit()
    numbering = Numbering()
    engine = db.engine  # the writer's thread has no app context to find it in
    postgres = engine.dialect.name == "postgresql"
    todo: queue.Queue[list[Built] | None] = queue.Queue(maxsize=2)
    failure: list[BaseException] = []

    def consume() -> None:  # the database works on one chunk while the next is drawn
        try:
            while (cases := todo.get()) is not None:
                _write(engine, *numbering.apply(cases))
        except BaseException as error:
            failure.append(error)
            while todo.get() is not None:
                pass

    thread = threading.Thread(target=consume, name="bench-writer")
    thread.start()
    try:
        for cases in chunks(sampler, builder, n, years):
            todo.put(cases)
            if failure:
                break
    finally:
        todo.put(None)
        thread.join()
    if failure:
        raise failure[0]
    db.session.execute(insert(CaseNumberCounter), [
        {"year": y, "last_value": v} for y, v in sorted(numbering.per_year.items())])
    if postgres:
        for table in ("reports", "report_events"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                                    f" (SELECT max(id) FROM {table}))"))
    db.session.commit()
    # The measures dashboard needs measures: drawn over the committed cases, like the demo.
    measures = draw_measures(sampler.people.leaders, now=now, seed=SEED)
    db.session.commit()
    return Loaded(numbering.report_id, numbering.event_id, measures)


def _write(engine: Engine, reports: list[dict[str, Any]],
           events: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        insert_rows(connection, Report.__table__, reports)
        insert_rows(connection, ReportEvent.__table__, events)


def analyze() -> None:
    """Fresh planner statistics, as a database that has lived with these rows has."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
