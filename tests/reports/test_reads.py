"""Read markers: what changed on a case since a person last opened it, on both sides."""

from __future__ import annotations

import re
from datetime import timedelta

from avvik.extensions import db
from avvik.reports import reads
from avvik.reports.queries import ListView, ReportFilter, list_reports
from avvik.reports.scope import reach_of
from avvik.reports.services import acknowledge_report, add_comment, answer_report
from tests.reports.test_pages_lists import browser_for, routed_case

MINUTE = timedelta(minutes=1)


def marker(user, report):
    return reads.markers(user, reach_of(user), [report]).get(report.id)


def unread(user, view):
    page = list_reports(user, ReportFilter(view=view, unread=True))
    return [r.case_number for r in page.items]


def test_a_routed_case_is_new_to_the_receiving_side_not_to_its_reporter(world, clock):
    report = routed_case(world)
    clock.shift(MINUTE)
    assert marker(world.ward_handler, report) == "new"
    assert marker(world.ward_leader, report) == "new"
    assert marker(world.hospital_coordinator, report) == "new"
    assert marker(world.reporter, report) is None
    assert unread(world.ward_handler, ListView.INBOX) == [report.case_number]
    assert unread(world.reporter, ListView.MINE) == []


def test_nothing_is_marked_for_those_who_cannot_see_the_case(world, clock):
    report = routed_case(world)
    clock.shift(MINUTE)
    for outsider in (world.outsider, world.other_ward_handler):
        assert marker(outsider, report) is None
        assert unread(outsider, ListView.ALL) == [] and unread(outsider, ListView.INBOX) == []


def test_an_answer_is_unread_for_the_reporter_until_the_case_page_is_opened(app, world, clock):
    report = routed_case(world)
    clock.shift(MINUTE)
    acknowledge_report(world.ward_handler, report)
    clock.shift(MINUTE)
    answer_report(world.ward_handler, report, "Epikrisen ble sendt uten liste.", "Ny rutine.")
    db.session.flush()
    clock.shift(MINUTE)
    # The reporter filed it: an answer to their own report is a change, never "new".
    assert marker(world.reporter, report) == "changed"
    assert unread(world.reporter, ListView.MINE) == [report.case_number]
    # The handler's own steps are not news to the handler.
    assert marker(world.ward_handler, report) is None
    browser = browser_for(app, world.reporter)
    listed = browser.get("/reports/?view=mine").get_data(as_text=True)
    assert re.search(rf'{report.case_number}</a> <span class="unread-tag" data-kind="changed">',
                     listed)
    assert browser.get(f"/reports/{report.id}").status_code == 200
    clock.shift(MINUTE)
    assert marker(world.reporter, report) is None
    listed = browser.get("/reports/?view=mine").get_data(as_text=True)
    assert "unread-tag" not in listed
    assert report.case_number not in browser.get("/reports/?view=mine&unread=1").get_data(
        as_text=True)


def test_a_comment_is_news_to_the_other_side_and_not_to_its_writer(world, clock):
    report = routed_case(world)
    clock.shift(MINUTE)
    version = report.version
    add_comment(world.reporter, report, "Gjelder også forrige utskrivning.")
    db.session.flush()
    # The stamp is no change of the case's content: a form open meanwhile stays valid.
    assert report.version == version
    clock.shift(MINUTE)
    assert marker(world.reporter, report) is None
    assert marker(world.ward_handler, report) == "new"
    assert unread(world.ward_handler, ListView.INBOX) == [report.case_number]
    reads.mark_seen(world.ward_handler, report)
    clock.shift(MINUTE)
    assert marker(world.ward_handler, report) is None
    add_comment(world.ward_handler, report, "Vi ser på det.")
    db.session.flush()
    clock.shift(MINUTE)
    assert marker(world.ward_handler, report) is None
    assert marker(world.reporter, report) == "changed"
    assert marker(world.ward_leader, report) == "new"  # the unit's leader never opened it


def test_a_change_seen_then_followed_by_another_is_changed_again(world, clock):
    report = routed_case(world)
    clock.shift(MINUTE)
    reads.mark_seen(world.ward_handler, report)
    clock.shift(MINUTE)
    assert marker(world.ward_handler, report) is None
    add_comment(world.reporter, report, "Mer informasjon.")
    db.session.flush()
    clock.shift(MINUTE)
    assert marker(world.ward_handler, report) == "changed"


def test_changes_older_than_the_window_are_no_longer_news(world, clock):
    report = routed_case(world)
    clock.shift(timedelta(days=reads.UNREAD_DAYS + 1))
    assert marker(world.ward_handler, report) is None
    assert unread(world.ward_handler, ListView.INBOX) == []


def test_bulk_history_gets_the_stamps_its_timeline_implies(clock):
    now = clock.now
    events = [{"kind": "submitted", "created_at": now},
              {"kind": "routed", "created_at": now + MINUTE},
              {"kind": "email_sent", "created_at": now + 2 * MINUTE},
              {"kind": "answered", "created_at": now + 3 * MINUTE},
              {"kind": "answer_delivered", "created_at": now + 4 * MINUTE}]
    assert reads.changes_of(events) == {"reporting_changed_at": now + 3 * MINUTE,
                                        "receiving_changed_at": now + 3 * MINUTE}
    assert reads.changes_of(events[:3]) == {"reporting_changed_at": None,
                                            "receiving_changed_at": now + MINUTE}
