"""What this part added to the statistics engine: run charts from a monthly table already
built, their signals, and the table of evaluated measures (with its limit)."""

from __future__ import annotations

from datetime import date

from avvik.extensions import db
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.stats.filters import StatsFilter
from avvik.stats.services import (
    SERIES,
    build_table,
    current_signals,
    run_chart,
    run_charts_of,
    signals_of,
)
from avvik.stats.tables import MAX_EVALUATIONS
from tests.stats.data import make_case, oslo

PERIOD = StatsFilter(date(2024, 1, 1), date(2025, 12, 31))
TODAY = date(2025, 11, 15)


def test_run_charts_from_the_monthly_table_equal_those_the_engine_draws(world):
    for index in range(23):
        year, month = 2024 + index // 12, index % 12 + 1
        for _ in range(1 if index < 12 else 4):
            make_case(world, event_date=date(year, month, 5))
        if index % 5 == 0:
            make_case(world, event_date=date(year, month, 6), reporting_unit=world.ward,
                      receiving_unit=world.home_care)
    charts = run_charts_of(build_table("per_month", world.admin, PERIOD), today=TODAY)
    assert list(charts) == list(SERIES)
    for series in SERIES:
        assert charts[series] == run_chart(world.admin, PERIOD, series, today=TODAY)
    assert charts["total"].labels[-1] == date(2025, 10, 1)  # November is not over
    assert signals_of(charts) == current_signals(world.admin, PERIOD, today=TODAY)
    everything = signals_of(charts, current_only=False)
    assert everything and set(everything) >= set(signals_of(charts))


def test_the_evaluations_table_gives_a_row_per_measure_and_month_at_most_the_limit(world):
    linked = make_case(world, event_date=date(2026, 2, 10))
    for n in range(MAX_EVALUATIONS + 1):
        measure = Measure(title=f"Tiltak {n}", owning_unit_id=world.ward.id,
                          created_by_id=world.admin.id, due_date=date(2026, 4, 1),
                          status=MeasureStatus.COMPLETED, start_date=date(2026, 3, 1),
                          evaluated_at=oslo(2026, 6, 1, n % 24))
        measure.links.append(MeasureReport(report_id=linked.id, linked_by_id=world.admin.id))
        db.session.add(measure)
    db.session.flush()
    table = build_table("measure_evaluations", world.admin,
                        StatsFilter(date(2026, 1, 1), date(2026, 12, 31)), oslo(2026, 7, 2))
    titles = {r["title"] for r in table.records()}
    assert len(titles) == MAX_EVALUATIONS and "Tiltak 0" not in titles  # the latest ones
    first = [r for r in table.records() if r["title"] == "Tiltak 1"]
    # From the first month with data (February) to June, the last that has ended.
    assert [(r["month"], r["period"], r["count"]) for r in first] == [
        ("2026-02", "before", 1), ("2026-03", "after", 0), ("2026-04", "after", 0),
        ("2026-05", "after", 0), ("2026-06", "after", 0)]
