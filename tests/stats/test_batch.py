"""A page's tables share their queries (avvik.stats.batch): the shared statements count
exactly what each table's own query counts, on PostgreSQL (GROUPING SETS) as on SQLite."""

from __future__ import annotations

from datetime import date

import pytest

from avvik.reports.models import Consequence, ReportStatus
from avvik.stats.batch import BREAKDOWN_TABLES, Batch
from avvik.stats.filters import StatsFilter
from avvik.stats.queries import (
    breakdown,
    counts_per_month,
    counts_per_year,
    escalations_per_level,
    feedback,
    total_count,
)
from avvik.stats.services import build_table, build_tables
from tests.stats.data import make_case, oslo

PERIOD = StatsFilter(date(2025, 11, 1), date(2026, 2, 28))


def _cases(world) -> None:
    make_case(world, event_date=date(2025, 11, 3))
    make_case(world, event_date=date(2025, 12, 31), consequence=Consequence.DEATH)
    make_case(world, event_date=date(2026, 1, 1), receiving_unit=world.other_ward,
              category_id=world.other.id, transition_id=world.admission.id)
    make_case(world, responsible=False, status=ReportStatus.SUBMITTED)  # no unit yet
    make_case(world, reporting_unit=world.ward, receiving_unit=world.home_care,
              responsible=False, event_date=date(2026, 2, 28))
    make_case(world, reporting_unit=world.ward, receiving_unit=world.home_care,
              status=ReportStatus.CLOSED, escalation_level=2,
              answered_at=oslo(2026, 3, 2, 9), answer_delivered_at=oslo(2026, 3, 2, 9))
    make_case(world, event_date=date(2025, 10, 31))  # before the period
    make_case(world, status=ReportStatus.DRAFT)  # not counted


def test_every_breakdown_of_a_page_counts_as_its_table_alone(world):
    _cases(world)
    for viewer in (world.admin, world.clinic_leader, world.hospital_coordinator):
        for filters in (PERIOD, StatsFilter(PERIOD.period_from, PERIOD.period_to,
                                            unit_id=world.clinic.id)):
            batch = Batch(viewer, filters, BREAKDOWN_TABLES)
            assert batch.total() == total_count(viewer, filters)
            for dimension in BREAKDOWN_TABLES.values():
                assert batch.breakdown(dimension) == breakdown(viewer, filters, dimension)


def test_a_page_of_breakdowns_has_the_exact_rows_and_total(world):
    _cases(world)
    total, tables = build_tables(["by_unit", "by_consequence", "by_category"],
                                 world.admin, PERIOD)
    assert total == 6
    assert [(r["key"], r["count"]) for r in tables["by_unit"].records()] == [
        (world.ward.id, 2),
        (world.home_care.id, 1),
        (None, 1),  # Testvik kommune: no unit
        (world.other_ward.id, 1),
        (None, 1),  # Testvik sykehus HF: no unit
    ]
    assert [(r["key"], r["count"]) for r in tables["by_consequence"].records()] == [
        ("none", 0), ("minor", 5), ("moderate", 0), ("significant", 0), ("death", 1)]
    assert [(r["label"], r["count"]) for r in tables["by_category"].records()] == [
        ("Legemiddelliste mangler", 5), ("Annet", 1)]


def test_the_months_give_the_years_and_the_total(world):
    _cases(world)
    total, tables = build_tables(["per_month", "per_year"], world.admin, PERIOD)
    assert total == 6
    assert [(r["month"], r["total"]) for r in tables["per_month"].records()] == [
        ("2025-11", 1), ("2025-12", 1), ("2026-01", 3), ("2026-02", 1)]
    assert [(r["year"], r["total"]) for r in tables["per_year"].records()] == [
        (2025, 2), (2026, 4)]
    assert tables["per_month"].rows == build_table("per_month", world.admin, PERIOD).rows
    months = counts_per_month(world.admin, PERIOD)
    assert [m.by_direction for m in months] == [
        m.by_direction for m in Batch(world.admin, PERIOD, ["per_month"]).periods().per_month()]
    assert sum(y.total for y in counts_per_year(world.admin, PERIOD)) == 6


def test_escalations_and_feedback_come_from_one_statement_with_the_total(world):
    _cases(world)
    batch = Batch(world.admin, PERIOD, ["escalations", "feedback"])
    assert batch.total() == 6
    assert batch.follow_up().escalations == escalations_per_level(world.admin, PERIOD)
    assert [e.count for e in batch.follow_up().escalations] == [1, 1, 0]
    assert batch.follow_up().feedback == feedback(world.admin, PERIOD)
    assert (batch.follow_up().feedback.closed, batch.follow_up().feedback.closed_share) == (1, 1.0)


def test_an_empty_selection_builds_no_table(world):
    make_case(world, event_date=date(2024, 1, 1))
    total, tables = build_tables(["by_category", "by_unit", "feedback"], world.admin, PERIOD)
    assert (total, tables) == (0, {})


def test_a_period_within_shares_the_count_per_day(world):
    _cases(world)
    months = StatsFilter(date(2025, 12, 1), date(2026, 1, 31))
    batch = Batch(world.admin, PERIOD, ["per_year"])
    batch.periods()
    narrowed = batch.narrowed(months, ["per_month", "by_unit"])
    assert narrowed.total() == total_count(world.admin, months) == 4
    assert (build_table("per_month", world.admin, months).rows
            == build_tables(["per_month"], world.admin, months)[1]["per_month"].rows)
    assert narrowed.periods().per_month() == counts_per_month(world.admin, months)
    assert narrowed.breakdown(BREAKDOWN_TABLES["by_unit"]) == breakdown(
        world.admin, months, BREAKDOWN_TABLES["by_unit"])


def test_only_the_period_may_be_narrowed(world):
    batch = Batch(world.admin, PERIOD, ["per_month"])
    with pytest.raises(ValueError):
        batch.narrowed(StatsFilter(PERIOD.period_from, PERIOD.period_to,
                                   category_id=world.other.id), ["per_month"])
    batch.periods()
    with pytest.raises(ValueError):
        batch.narrowed(StatsFilter(date(2025, 1, 1), date(2025, 12, 31)), ["per_month"])
