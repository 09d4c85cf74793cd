"""Measures (tiltak) drawn over the demo history: links, leaders, statuses, timeline events,
reproducibility, and what the measures dashboard makes of them."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from avvik.catalog.models import Category
from avvik.core.timeutil import add_months, oslo_today, to_oslo
from avvik.demo.cli import format_summary
from avvik.demo.measures import PlannedMeasure, answered_cases, plan_measures
from avvik.demo.services import DEFAULT_SEED, DemoSummary
from avvik.extensions import db
from avvik.measures.models import Measure, MeasureStatus
from avvik.reports.models import Report, ReportEvent
from avvik.stats.filters import StatsFilter
from avvik.stats.queries.measures import measure_evaluations, measure_summary
from avvik.users.models import Membership, Role, User
from tests.demo.clock import NOW

M = MeasureStatus
TODAY = oslo_today(NOW)


@pytest.fixture(scope="module")
def measures(demo_history: DemoSummary) -> list[Measure]:
    return db.session.scalars(select(Measure).order_by(Measure.id)).all()


def _answered() -> int:
    return db.session.scalar(select(func.count()).select_from(Report).where(
        Report.answered_at.is_not(None), Report.responsible_unit_id.is_not(None)))


def test_the_demo_has_about_one_measure_per_50_answered_cases(
        demo_history: DemoSummary, measures: list[Measure]) -> None:
    assert demo_history.measures == len(measures)
    assert 30 <= _answered() / len(measures) <= 80


def test_the_command_prints_how_many_measures(demo_history: DemoSummary) -> None:
    assert f"  Measures: {demo_history.measures}\n" in format_summary(demo_history, 1.0)


def test_every_measure_links_one_to_five_cases_of_one_category_of_its_unit(
        measures: list[Measure]) -> None:
    names = dict(db.session.execute(select(Category.id, Category.name)).all())
    linked = set()
    for measure in measures:
        reports = measure.reports
        assert 1 <= len(reports) <= 5, measure.id
        assert {r.responsible_unit_id for r in reports} == {measure.owning_unit_id}
        (category_id,) = {r.category_id for r in reports}
        assert measure.title.endswith(f" – {names[category_id]}")
        assert measure.description
        for link in measure.links:
            assert link.report.answered_at is not None
            assert (link.linked_by_id, link.linked_at) == (measure.created_by_id,
                                                           measure.created_at)
        linked.update(r.id for r in reports)
    # A case is linked once: each round of a bucket starts with new cases.
    assert len(linked) == sum(len(m.links) for m in measures)


def test_measures_are_created_and_evaluated_by_a_leader_of_the_owning_unit(
        measures: list[Measure]) -> None:
    leaders = set(db.session.execute(select(Membership.user_id, Membership.unit_id)
                                     .where(Membership.role == Role.LEADER)))
    for measure in measures:
        assert (measure.created_by_id, measure.owning_unit_id) in leaders, measure.id
        if measure.evaluated_at is not None:
            assert measure.evaluated_by_id == measure.created_by_id


def test_statuses_and_evaluations_follow_the_dates_as_of_now(
        measures: list[Measure]) -> None:
    for measure in measures:
        assert measure.created_at <= NOW and measure.updated_at <= NOW
        assert measure.created_at <= measure.updated_at
        assert to_oslo(measure.created_at).date() < measure.start_date < measure.due_date
        if measure.status == M.PLANNED:
            assert measure.start_date > TODAY, measure.id
        elif measure.status == M.IN_PROGRESS:
            assert measure.start_date <= TODAY, measure.id
        else:
            assert measure.due_date < TODAY, measure.id
        evaluated = measure.evaluated_at is not None
        assert evaluated == (measure.evaluated_by_id is not None) \
            == (measure.evaluation_note is not None)
        if evaluated:
            assert measure.status == M.COMPLETED
            assert add_months(measure.start_date, 6) <= to_oslo(measure.evaluated_at).date()
            assert measure.evaluated_at <= NOW
    statuses = {m.status for m in measures}
    assert {M.PLANNED, M.IN_PROGRESS, M.COMPLETED} <= statuses
    assert any(m.evaluated_at for m in measures)
    assert any(m.status == M.IN_PROGRESS and m.due_date < TODAY for m in measures)  # overdue


def test_each_link_has_one_measure_linked_event_and_it_is_the_latest_on_its_case(
        measures: list[Measure]) -> None:
    events = db.session.scalars(select(ReportEvent).where(
        ReportEvent.kind == "measure_linked")).all()
    by_report = defaultdict(list)
    for event in events:
        by_report[event.report_id].append(event)
    links = [link for measure in measures for link in measure.links]
    assert len(events) == len(links)
    for link in links:
        (event,) = by_report[link.report_id]
        assert event.data == {"measure_id": link.measure_id}
        assert (event.actor_id, event.text, event.created_at) == (
            link.linked_by_id, "", link.linked_at)
    # The app shows a timeline in order of id: the event written last must also be the
    # latest in time, as when a leader links a case in the app.
    latest = dict(db.session.execute(
        select(ReportEvent.report_id, func.max(ReportEvent.created_at))
        .where(ReportEvent.report_id.in_(by_report), ReportEvent.kind != "measure_linked")
        .group_by(ReportEvent.report_id)).all())
    last_id = dict(db.session.execute(
        select(ReportEvent.report_id, func.max(ReportEvent.id))
        .where(ReportEvent.report_id.in_(by_report))
        .group_by(ReportEvent.report_id)).all())
    for report_id, (event,) in by_report.items():
        assert event.created_at > latest[report_id]
        assert event.id == last_id[report_id]


def _plan(seed: int, now: datetime = NOW) -> list[PlannedMeasure]:
    names = dict(db.session.execute(select(Category.id, Category.name)).all())
    # As People.leaders has them: the last leader made of a unit.
    leaders = dict(db.session.execute(
        select(Membership.unit_id, Membership.user_id)
        .where(Membership.role == Role.LEADER).order_by(Membership.id)).all())
    cases = db.session.execute(answered_cases()).all()
    return plan_measures(cases, leaders, names, now=now, seed=seed)


def test_the_same_seed_and_now_give_the_same_measures_and_another_seed_does_not(
        measures: list[Measure]) -> None:
    first = _plan(DEFAULT_SEED)
    assert first == _plan(DEFAULT_SEED)
    assert _plan(DEFAULT_SEED + 1) != first
    stored = [(m.title, m.owning_unit_id, m.created_by_id, m.created_at, m.start_date,
               m.due_date, m.status, m.evaluated_at, tuple(r.id for r in m.reports))
              for m in measures]
    assert stored == [(p.title, p.owning_unit_id, p.leader_id, p.created_at, p.start_date,
                       p.due_date, p.status, p.evaluated_at, tuple(sorted(p.report_ids)))
                      for p in first]


def test_the_app_adds_its_own_measures_after_the_drawn_ones(
        measures: list[Measure]) -> None:
    # On PostgreSQL the ids were given by the loader: the sequence must have moved on.
    savepoint = db.session.begin_nested()
    measure = Measure(title="Ny rutine", owning_unit_id=measures[0].owning_unit_id,
                      created_by_id=measures[0].created_by_id, due_date=date(2026, 6, 1))
    db.session.add(measure)
    db.session.flush()
    assert measure.id > measures[-1].id
    savepoint.rollback()


def test_the_measures_dashboard_shows_them_to_the_secretariat(
        measures: list[Measure]) -> None:
    secretariat = db.session.scalars(select(User).where(User.username == "sekretariat")).one()
    filters = StatsFilter.from_query({}, today=TODAY)
    summary = measure_summary(secretariat, filters, TODAY)
    assert summary.open > 0 and summary.overdue > 0 and summary.evaluated > 0
    assert measure_evaluations(secretariat, filters, today=TODAY)


def _case(report_id: int, unit_id: int) -> tuple[int, int, int, datetime, datetime]:
    moment = datetime(2025, 1, 1, 9, tzinfo=UTC) + timedelta(hours=2 * report_id)
    return report_id, unit_id, 7, moment, moment + timedelta(days=3)


def test_a_unit_without_a_leader_gets_no_measures_and_a_full_bucket_often_does() -> None:
    cases = [_case(n, unit_id=1 + n % 2) for n in range(4000)]
    planned = plan_measures(cases, {1: 99}, {7: "Epikrise mangler"}, now=NOW, seed=1)
    assert {p.owning_unit_id for p in planned} == {1}
    assert {p.leader_id for p in planned} == {99}
    # 2,000 cases of unit 1 in rounds of 15-35 cases, about every other round a measure.
    assert 25 <= len(planned) <= 60
    assert all(report_id % 2 == 0 for p in planned for report_id in p.report_ids)
