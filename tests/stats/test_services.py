"""The tables by name (for the pages, the exports and the JSON API), run charts, signals."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest

from avvik.core.errors import NotFound, PermissionDenied
from avvik.core.timeutil import to_oslo
from avvik.measures.models import Measure, MeasureReport, MeasureStatus
from avvik.reports.models import ReportStatus
from avvik.stats.filters import StatsFilter
from avvik.stats.services import (
    build_table,
    current_signals,
    export_case_list,
    export_table,
    run_chart,
    table_names,
)
from avvik.users.models import Role
from tests.factories import make_user
from tests.stats.data import make_case, oslo

YEAR = StatsFilter(date(2026, 1, 1), date(2026, 12, 31))


def test_every_table_builds_for_an_empty_selection(world):
    for name in table_names():
        table = build_table(name, world.admin, YEAR, oslo(2026, 6, 1))
        assert table.name == name and table.columns
        assert table.to_json()["filters"] == {"from": "2026-01", "to": "2026-12"}


def test_the_monthly_table_as_json(world):
    make_case(world, event_date=date(2026, 2, 3))
    make_case(world, event_date=date(2026, 2, 4), reporting_unit=world.ward,
              receiving_unit=world.home_care)
    data = build_table("per_month", world.admin, YEAR).to_json()
    assert [c["key"] for c in data["columns"]] == [
        "month", "municipality_to_hospital", "hospital_to_municipality", "other", "total"]
    assert data["rows"][1] == {"month": "2026-02", "municipality_to_hospital": 1,
                               "hospital_to_municipality": 1, "other": 0, "total": 2}
    assert len(data["rows"]) == 12 and not data["suppressed"]


def test_tables_come_suppressed_unless_the_viewer_may_open_every_case(world):
    for _ in range(2):
        make_case(world)
    # The secretariat counts the community's cases but opens only those on its agenda.
    secretariat = make_user("sekr", roles=[(Role.SECRETARIAT, world.clinic.parent)])
    table = build_table("by_reporting_organization", secretariat, YEAR)
    assert table.suppressed
    assert table.records()[0]["count"] == "<5"
    own = build_table("by_receiving_organization", world.hospital_coordinator, YEAR)
    assert own.records()[0]["count"] == 2 and not own.suppressed
    # The hospital's quality adviser reads every case of the hospital: exact.
    adviser = make_user("hkv", roles=[(Role.QUALITY_ADVISER, world.clinic.parent)])
    read = build_table("by_reporting_organization", adviser, YEAR)
    assert read.records()[0]["count"] == 2 and not read.suppressed


def test_the_performance_and_feedback_tables_hold_their_numbers(world):
    make_case(world, status=ReportStatus.CLOSED, routed_at=oslo(2026, 3, 2, 9),
              answered_at=oslo(2026, 3, 4, 9), answer_due_at=oslo(2026, 3, 20, 9),
              answer_delivered_at=oslo(2026, 3, 4, 9))
    values = {r["key"]: r["value"] for r in
              build_table("answer_performance", world.admin, YEAR).records()}
    assert (values["answer_median"], values["within_deadline_share"]) == (2, 1.0)
    feedback = {r["key"]: r["value"] for r in
                build_table("feedback", world.admin, YEAR).records()}
    assert (feedback["closed"], feedback["closed_share"]) == (1, 1.0)


def test_the_measures_table_counts_measures_of_cases_in_the_selection(world):
    inside, outside = make_case(world), make_case(world, event_date=date(2025, 5, 1))

    def measure(report, **fields):
        row = Measure(title="Sjekkliste", owning_unit_id=world.ward.id,
                      created_by_id=world.admin.id, **fields)
        row.links.append(MeasureReport(report_id=report.id, linked_by_id=world.admin.id))
        return row

    from avvik.extensions import db

    db.session.add_all([
        measure(inside, due_date=date(2026, 2, 1)),  # open and overdue
        measure(inside, due_date=date(2026, 9, 1), status=MeasureStatus.IN_PROGRESS),
        measure(inside, due_date=date(2026, 2, 1), status=MeasureStatus.COMPLETED,
                evaluated_at=oslo(2026, 5, 1)),
        measure(outside, due_date=date(2026, 2, 1)),  # its case is outside the period
    ])
    db.session.flush()
    values = {r["key"]: r["value"] for r in
              build_table("measures", world.admin, YEAR, oslo(2026, 6, 1)).records()}
    assert values == {"open": 2, "overdue": 1, "evaluated": 1}


def test_unknown_tables_and_formats_are_not_found(world, clock):
    with pytest.raises(NotFound):
        build_table("nonsense", world.admin, YEAR)
    with pytest.raises(NotFound):
        export_table(build_table("per_year", world.admin, YEAR), "pdf", world.admin, YEAR,
                     clock.now)
    with pytest.raises(NotFound):
        run_chart(world.admin, YEAR, "sideways")


def test_people_without_dashboards_are_refused(world, clock):
    with pytest.raises(PermissionDenied):
        build_table("per_month", world.reporter, YEAR)
    with pytest.raises(PermissionDenied):
        export_case_list(world.ward_handler, YEAR, "csv", clock.now, include_free_text=False)


def test_tables_export_as_csv_and_xlsx(world, clock):
    make_case(world, event_date=date(2026, 2, 3))
    table = build_table("per_year", world.admin, YEAR)
    as_csv = export_table(table, "csv", world.admin, YEAR, clock.now)
    assert as_csv.filename == "avvik-per_year-2026-01-2026-12.csv"
    rows = list(csv.reader(io.StringIO(b"".join(as_csv.content).decode("utf-8-sig")),
                           delimiter=";"))
    assert rows[1] == ["Filter", "Period: 2026-01-01 – 2026-12-31"]
    assert rows[rows.index([]) + 2] == ["2026", "1", "0", "0", "1"]
    as_xlsx = export_table(table, "xlsx", world.admin, YEAR, clock.now)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(as_xlsx.content)))
    sheet = workbook.active
    assert [c.value for c in sheet[2]] == [2026, 1, 0, 0, 1]
    assert workbook.sheetnames == ["Per year", "About the export"]
    taken = dict(workbook["About the export"].iter_rows(values_only=True))["Taken"]
    assert taken == f"{to_oslo(clock.now):%Y-%m-%d %H:%M} (Norwegian time)"


def test_the_run_chart_leaves_out_the_month_in_progress(world):
    for month in range(1, 7):
        make_case(world, event_date=date(2026, month, 10))
    chart = run_chart(world.admin, YEAR, today=date(2026, 6, 15))
    assert chart.values == [1, 1, 1, 1, 1]
    assert chart.labels[-1] == date(2026, 5, 1)


def test_a_shift_shows_as_a_current_signal(world):
    period = StatsFilter(date(2024, 1, 1), date(2025, 12, 31))
    for index in range(24):
        year, month = 2024 + index // 12, index % 12 + 1
        for _ in range(1 if index < 12 else 4):
            make_case(world, event_date=date(year, month, 5))
    signals = current_signals(world.admin, period, today=date(2026, 1, 10))
    kinds = [(s.series, s.signal.kind) for s in signals]
    assert ("total", "long_run") in kinds and ("total", "few_crossings") in kinds
    total_run = next(s.signal for s in signals if s.series == "total"
                     and s.signal.kind == "long_run")
    assert total_run.message == ("unusually long run: 12 months above the median since "
                                 "January 2025")
    assert {s.series for s in signals} == {"total", "municipality_to_hospital"}


def test_the_secretariat_gets_tables_but_no_case_list(world, clock):
    make_case(world)
    secretariat = make_user("sekr", roles=[(Role.SECRETARIAT, world.clinic.parent)])
    # one case it may not open: "<5" (avvik.stats.suppression)
    assert build_table("per_year", secretariat, YEAR).records()[0]["total"] == "<5"
    export = export_case_list(secretariat, YEAR, "csv", clock.now, include_free_text=False)
    lines = b"".join(export.content).decode("utf-8-sig").splitlines()
    assert lines[lines.index("") + 1:] == [lines[-1]]  # headers only


def test_performance_per_organisation_hides_other_organisations_few_cases(world):
    start = oslo(2026, 3, 2, 9)
    make_case(world, status=ReportStatus.ANSWERED, routed_at=start,
              answered_at=oslo(2026, 3, 3, 9), answer_due_at=oslo(2026, 3, 20, 9))
    seen_by_hospital = build_table("answer_performance_by_organization",
                                   world.hospital_coordinator, YEAR).records()
    # the secretariat counts the case but may not open it (it is not on the agenda)
    secretariat = make_user("sekr", roles=[(Role.SECRETARIAT, world.home_care.parent)])
    seen_by_kommune = build_table("answer_performance_by_organization", secretariat, YEAR)
    assert (seen_by_hospital[0]["answered"], seen_by_hospital[0]["answer_median"]) == (1, 1)
    record = seen_by_kommune.records()[0]
    assert (record["answered"], record["answer_median"], record["within_deadline_share"]) == (
        "<5", None, None)
    assert seen_by_kommune.suppressed
