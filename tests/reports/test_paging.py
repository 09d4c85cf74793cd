"""Paging a large selection: whichever way a page is read (the first matches sorted, a
bounded index walk, every match sorted, the full walk), it holds the rows that sorting the
whole selection would put there, and nothing outside the user's scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from avvik.core.timeutil import OSLO
from avvik.reports import paging
from avvik.reports.paging import Page
from avvik.reports.queries import ListView, ReportFilter, list_reports
from avvik.reports.services import acknowledge_report, create_draft, submit_report
from avvik.routing.services import route_report

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)
SORTS = [("created", True), ("created", False), ("answer_due", False), ("answer_due", True),
         ("event", True), ("case_number", False), ("submitted", True)]
#: (bounded walk depth, SORT_CAP) and the steps each is meant to take for a large page
WAYS = {"bounded walk": (10, 1000), "every match sorted": (1, 1000), "full walk": (1, 1)}


def varied_cases(world) -> None:
    """Cases to the ward and to the coordinators, on days and at times out of step with
    one another, one acknowledged and one not yet routed (no deadline), and a draft."""
    for i in range(10):
        category = world.medication if i % 3 else world.other
        report = create_draft(world.reporter, world.report_input(
            category_id=category.id, event_date=date(2026, 11, 1) + timedelta(days=(7 * i) % 10),
            discovered_date=None), now=MONDAY + timedelta(hours=i))
        submit_report(world.reporter, report, now=MONDAY + timedelta(hours=i, minutes=5))
        if i != 4:
            route_report(report, now=MONDAY + timedelta(hours=(3 * i) % 10))
        if i == 2:
            acknowledge_report(world.ward_handler, report, now=MONDAY + timedelta(hours=12))
    create_draft(world.reporter, world.report_input(), now=MONDAY)


def walked(user, filters, count_cap=1) -> list[int]:
    """The ids a user sees paging through with the next links, two to a page."""
    ids, number = [], 1
    while True:
        page = list_reports(user, filters, page=number, per_page=2, count_cap=count_cap)
        ids += [r.id for r in page.items]
        if not page.has_next:
            return ids
        number += 1


@pytest.mark.parametrize("way", WAYS)
def test_every_way_of_reading_a_page_gives_the_sorted_rows(world, monkeypatch, way):
    varied_cases(world)
    depth, sort_cap = WAYS[way]
    monkeypatch.setattr(paging, "WALK_MIN", depth)
    monkeypatch.setattr(paging, "WALK_MAX", depth)
    monkeypatch.setattr(paging, "SORT_CAP", sort_cap)
    walks = []  # for each index walk: did it find all the rows it was asked for?
    real_walk = paging._walk

    def walk(query, order, parts, limit):
        ids = real_walk(query, order, parts, limit)
        walks.append(len(ids) == limit)
        return ids
    monkeypatch.setattr(paging, "_walk", walk)
    for user, view in ((world.ward_handler, ListView.INBOX), (world.ward_handler, ListView.ALL),
                       (world.hospital_coordinator, ListView.ORGANIZATION),
                       (world.reporter, ListView.MINE), (world.admin, ListView.ALL)):
        for sort, descending in SORTS:
            filters = ReportFilter(view=view, sort=sort, descending=descending)
            whole = [r.id for r in list_reports(user, filters, per_page=100).items]
            assert walked(user, filters) == whole, (user.username, view, sort, descending)
    # A walk one index row deep never holds a page: then every match was sorted, or (past
    # SORT_CAP) the index walked in full.
    assert any(walks) is (way != "every match sorted")


def test_a_large_selection_shows_nothing_outside_the_scope(world, monkeypatch):
    varied_cases(world)
    monkeypatch.setattr(paging, "SORT_CAP", 1)
    for depth in (1, 10):
        monkeypatch.setattr(paging, "WALK_MIN", depth)
        monkeypatch.setattr(paging, "WALK_MAX", depth)
        to_the_ward = set(walked(world.ward_handler, ReportFilter(view=ListView.INBOX)))
        assert to_the_ward and all(r.responsible_unit_id == world.ward.id
                                   for r in list_reports(world.ward_handler, ReportFilter(
                                       view=ListView.INBOX), per_page=100).items)
        assert to_the_ward == set(walked(world.ward_handler, ReportFilter(view=ListView.ALL)))
        for view in ListView:
            assert walked(world.outsider, ReportFilter(view=view)) == []
            assert walked(world.other_ward_handler, ReportFilter(view=view)) == []


def test_page_numbers_show_the_first_the_neighbours_and_the_last_known():
    def numbers(page, total, exact=True, has_next=False):
        return Page([], total, page, 10, has_next, exact).page_numbers()

    assert numbers(1, 5) == [1]
    assert numbers(1, 45) == [1, 2, 3, None, 5]
    assert numbers(7, 200) == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert numbers(1, 1000, exact=False, has_next=True) == [1, 2, 3, None]
    assert numbers(60, 1590, exact=False, has_next=True) == [1, None, 58, 59, 60, 61, 62, None]
