"""Lists: scoped, filtered, sorted and paginated in SQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from avvik.core.timeutil import OSLO
from avvik.reports.models import ReportStatus
from avvik.reports.queries import ListView, ReportFilter, available_views, list_reports
from avvik.reports.services import acknowledge_report, create_draft, submit_report
from avvik.routing.services import route_report

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


def file_reports(world, count: int, **overrides):
    reports = []
    for i in range(count):
        report = create_draft(world.reporter, world.report_input(
            event_date=date(2026, 11, 1) + timedelta(days=i), **overrides), now=MONDAY)
        submit_report(world.reporter, report, now=MONDAY)
        route_report(report, now=MONDAY)
        reports.append(report)
    return reports


def test_pages_hold_only_their_rows_and_count_everything(world):
    reports = file_reports(world, 7)
    first = list_reports(world.ward_handler, ReportFilter(view=ListView.INBOX, sort="event"),
                         per_page=3)
    assert first.total == 7 and first.pages == 3 and first.has_next
    assert [r.id for r in first.items] == [r.id for r in reversed(reports)][:3]
    last = list_reports(world.ward_handler, ReportFilter(view=ListView.INBOX, sort="event"),
                        page=3, per_page=3)
    assert [r.id for r in last.items] == [reports[0].id] and not last.has_next


def test_filters_combine(world):
    reports = file_reports(world, 4)
    acknowledge_report(world.ward_handler, reports[0], now=MONDAY)
    by_status = list_reports(world.reporter, ReportFilter(
        view=ListView.MINE, statuses=[ReportStatus.ACKNOWLEDGED]))
    assert [r.id for r in by_status.items] == [reports[0].id]
    by_period = list_reports(world.reporter, ReportFilter(
        date_from=date(2026, 11, 2), date_to=date(2026, 11, 3)))
    assert {r.id for r in by_period.items} == {reports[1].id, reports[2].id}
    by_number = list_reports(world.reporter, ReportFilter(case_number="sa-2026-00004"))
    assert [r.id for r in by_number.items] == [reports[3].id]


def test_overdue_filter_uses_the_deadlines(world):
    reports = file_reports(world, 2)
    acknowledge_report(world.ward_handler, reports[0], now=MONDAY)
    late = MONDAY + timedelta(days=30)
    assert list_reports(world.ward_handler, ReportFilter(overdue=True), now=MONDAY).total == 0
    assert list_reports(world.ward_handler, ReportFilter(overdue=True), now=late).total == 2
    just_after_ack = MONDAY + timedelta(days=3)
    only_unacknowledged = list_reports(world.ward_handler, ReportFilter(overdue=True),
                                       now=just_after_ack)
    assert [r.id for r in only_unacknowledged.items] == [reports[1].id]


def test_outsiders_lists_and_counts_reveal_nothing(world):
    file_reports(world, 3)
    for view in ListView:
        assert list_reports(world.outsider, ReportFilter(view=view)).total == 0
        assert list_reports(world.other_ward_handler, ReportFilter(view=view)).total == 0


def test_views_offered_follow_the_roles(world):
    assert available_views(world.reporter) == [ListView.MINE]
    assert ListView.INBOX in available_views(world.ward_handler)
    assert ListView.ORGANIZATION in available_views(world.hospital_coordinator)
