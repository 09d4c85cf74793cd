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


def pages_of(user, filters, *, per_page, count_cap):
    """Every page of a list, walked with next links as a user would."""
    pages, number = [], 1
    while True:
        page = list_reports(user, filters, page=number, per_page=per_page, count_cap=count_cap)
        pages.append(page)
        if not page.has_next:
            return pages
        number += 1


def test_past_the_cap_the_total_says_more_than_and_pages_follow_has_next(world):
    reports = file_reports(world, 7)
    newest_first = [r.id for r in reversed(reports)]
    inbox = ReportFilter(view=ListView.INBOX)
    first = list_reports(world.ward_handler, inbox, per_page=2, count_cap=3)
    assert (first.total, first.total_is_exact, first.pages, first.has_next) == (3, False, None,
                                                                                True)
    assert [r.id for r in first.items] == newest_first[:2]
    # The count goes ``count_cap`` past the page's start: near the end it is exact again.
    last = list_reports(world.ward_handler, inbox, page=4, per_page=2, count_cap=3)
    assert (last.total, last.total_is_exact, last.pages, last.has_next) == (7, True, 4, False)
    assert [r.id for r in last.items] == newest_first[6:]
    walked = pages_of(world.ward_handler, inbox, per_page=2, count_cap=1)
    assert [r.id for p in walked for r in p.items] == newest_first
    assert not any(p.total_is_exact for p in walked[:-1]) and walked[-1].total_is_exact
    assert list_reports(world.ward_handler, inbox, page=9, per_page=2, count_cap=1).items == []


def test_small_and_large_selections_sort_alike(world):
    reports = file_reports(world, 5)
    acknowledge_report(world.ward_handler, reports[1], now=MONDAY)
    reports[3].answer_due_at = None  # as if not yet routed: no deadline, last either way
    for sort, descending in (("answer_due", False), ("answer_due", True), ("event", True),
                             ("case_number", False), ("submitted", True), ("created", False)):
        filters = ReportFilter(view=ListView.INBOX, sort=sort, descending=descending)
        exact = [r.id for r in list_reports(world.ward_handler, filters, per_page=10).items]
        capped = [r.id for p in pages_of(world.ward_handler, filters, per_page=2, count_cap=1)
                  for r in p.items]
        assert capped == exact and len(exact) == 5, (sort, descending)
    by_deadline = ReportFilter(view=ListView.INBOX, sort="answer_due", descending=False)
    assert list_reports(world.ward_handler, by_deadline).items[-1].id == reports[3].id
    by_deadline.descending = True
    assert list_reports(world.ward_handler, by_deadline).items[-1].id == reports[3].id


def test_capped_lists_reveal_nothing_outside_the_scope(world):
    mine = file_reports(world, 3)
    others = file_reports(world, 2, category_id=world.other.id)  # not routed to the ward
    for page in pages_of(world.ward_handler, ReportFilter(view=ListView.ALL), per_page=1,
                         count_cap=1):
        assert {r.id for r in page.items} <= {r.id for r in mine}
    for user in (world.outsider, world.other_ward_handler):
        for view in ListView:
            empty = list_reports(user, ReportFilter(view=view), per_page=1, count_cap=1)
            assert (empty.items, empty.total, empty.has_next) == ([], 0, False)
    every = pages_of(world.hospital_coordinator, ReportFilter(view=ListView.ORGANIZATION),
                     per_page=1, count_cap=1)
    assert {r.id for p in every for r in p.items} == {r.id for r in mine + others}
