"""Many people at the same moment: no duplicate case numbers, no double answers.

These tests commit for real, from several threads with their own connections, on a
database of their own (the rolled-back test transaction cannot show a race).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from avvik.core.errors import IllegalTransition
from avvik.core.timeutil import OSLO
from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services import answer_report, create_draft, submit_report
from avvik.routing.services import route_report
from avvik.users.models import User
from tests.races import race_app
from tests.reports.world import build_world

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    with race_app(request.param, tmp_path) as application:
        yield application


def run_together(app: Flask, count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` in ``count`` threads released at the same moment; collect results."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def runner(i: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work(i)
                db.session.commit()
            except Exception as error:  # the outcome is what the test inspects
                db.session.rollback()
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_simultaneous_submissions_get_consecutive_unique_numbers(shared_app: Flask):
    with shared_app.app_context():
        world = build_world()
        drafts = [create_draft(world.reporter, world.report_input(), now=MONDAY).id
                  for _ in range(12)]
        reporter_id = world.reporter.id
        db.session.commit()

    def submit(i: int) -> str:
        reporter = db.session.get(User, reporter_id)
        report = db.session.get(Report, drafts[i])
        return submit_report(reporter, report, now=MONDAY).case_number

    numbers = run_together(shared_app, 12, submit)
    assert sorted(numbers) == [f"SA-2026-{n:05d}" for n in range(1, 13)]


def test_two_handlers_answering_at_once_leave_one_answer(shared_app: Flask):
    with shared_app.app_context():
        world = build_world()
        report = create_draft(world.reporter, world.report_input(), now=MONDAY)
        submit_report(world.reporter, report, now=MONDAY)
        route_report(report, now=MONDAY)
        handler_ids = [world.ward_handler.id, world.ward_leader.id]
        report_id = report.id
        db.session.commit()

    def answer(i: int) -> str:
        report = db.session.get(Report, report_id)
        handler = db.session.get(User, handler_ids[i])
        answer_report(handler, report, f"Årsak {i}", f"Tiltak {i}", now=MONDAY)
        return f"Årsak {i}"

    results = run_together(shared_app, 2, answer)
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    assert isinstance(losers[0], StaleDataError | IllegalTransition)
    with shared_app.app_context():
        stored = db.session.execute(select(Report).filter_by(id=report_id)).scalar_one()
        assert stored.status == ReportStatus.ANSWERED
        assert stored.answer_cause == winners[0]
        assert [e.kind for e in stored.events].count("answered") == 1
