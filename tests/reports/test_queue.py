"""The start page's work queue: each role's sections, deadlines at awkward moments, scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from avvik.core.timeutil import OSLO, end_of_oslo_week
from avvik.extensions import db
from avvik.reports.queries import ListView, ReportFilter, list_reports
from avvik.reports.queue import work_queue
from avvik.reports.services import (
    acknowledge_report,
    answer_report,
    create_draft,
    submit_report,
)
from avvik.routing.services import route_report
from tests.reports.test_pages_lists import routed_case

MINUTE = timedelta(minutes=1)


def counts(user, now=None):
    return {s.key: s.count for s in work_queue(user, now).sections}


def cases(user, key, now=None):
    section = next(s for s in work_queue(user, now).sections if s.key == key)
    return [r.case_number for r in section.reports]


def oslo(*args):
    return datetime(*args, tzinfo=OSLO)


def test_each_role_has_its_own_sections(world):
    assert set(counts(world.reporter)) == {"decide", "unread_mine", "drafts"}
    assert set(counts(world.ward_handler)) == {
        "acknowledge", "answer", "overdue", "due_this_week", "unread_inbox",
        "decide", "unread_mine", "drafts"}
    assert "approve" in counts(world.ward_leader) and "approve" in counts(world.kommune_leader)
    assert "acknowledge" in counts(world.hospital_coordinator)
    assert set(counts(world.admin)) == {"decide", "unread_mine", "drafts"}


def test_a_case_moves_through_the_queues_of_both_sides(world, clock):
    create_draft(world.reporter, world.report_input())
    report = routed_case(world)
    clock.shift(MINUTE)
    assert counts(world.reporter) == {"decide": 0, "unread_mine": 0, "drafts": 1}
    handler = counts(world.ward_handler)
    assert handler["acknowledge"] == 1 and handler["answer"] == 0
    assert handler["unread_inbox"] == 1
    assert cases(world.ward_handler, "acknowledge") == [report.case_number]
    # The clinic's leader sees it as the ward's inbox is below the clinic.
    assert counts(world.clinic_leader)["acknowledge"] == 1
    acknowledge_report(world.ward_handler, report)
    db.session.flush()
    clock.shift(MINUTE)
    handler = counts(world.ward_handler)
    assert handler["acknowledge"] == 0 and handler["answer"] == 1
    assert handler["unread_inbox"] == 0  # their own step: they had it in front of them
    assert counts(world.ward_leader)["unread_inbox"] == 1  # the leader never opened it
    answer_report(world.ward_handler, report, "Funn.", "Tiltak.")
    db.session.flush()
    clock.shift(MINUTE)
    assert counts(world.reporter) == {"decide": 1, "unread_mine": 1, "drafts": 1}
    assert cases(world.reporter, "decide") == [report.case_number]
    assert counts(world.ward_handler)["answer"] == 0


def test_the_queue_counts_nothing_the_user_may_not_see(world, clock):
    routed_case(world)
    clock.shift(MINUTE)
    for user in (world.outsider, world.other_ward_handler):
        assert not any(counts(user).values()), user
        queue = work_queue(user)
        assert queue.is_empty and all(f.counts == dict.fromkeys(f.counts, 0)
                                      for f in queue.figures)


def test_a_leader_approves_the_reports_of_the_units_below(world, clock):
    world.kommune.is_approval_required = True
    report = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, report)
    db.session.flush()
    queue = work_queue(world.kommune_leader)
    approve = next(s for s in queue.sections if s.key == "approve")
    assert approve.count == 1 and approve.reports == [report]
    assert approve.link == {"view": "all", "status": "awaiting_approval"}
    listed = list_reports(world.kommune_leader, ReportFilter(
        view=ListView.ALL, statuses=[report.status]))
    assert [r.id for r in listed.items] == [report.id]  # the link shows the same cases
    assert counts(world.ward_leader)["approve"] == 0  # the other side's leader


def test_leaders_and_coordinators_see_their_figures(world, clock):
    routed_case(world)
    routed_case(world, category_id=world.other.id)  # no rule: to the coordinators
    clock.shift(MINUTE)
    (units,) = work_queue(world.ward_leader).figures
    assert units.key == "units" and units.names == [world.ward.name]
    assert units.counts["open"] == 1 and units.counts["overdue"] == 0
    (sent,) = work_queue(world.kommune_leader).figures
    assert sent.counts["sent_waiting"] == 2 and sent.counts["open"] == 0
    (org,) = work_queue(world.hospital_coordinator).figures
    assert org.key == "organizations" and org.names == [world.hospital.name]
    assert org.counts["open"] == 2 and org.counts["not_routed"] == 1
    assert work_queue(world.reporter).figures == []


@pytest.mark.parametrize(("moment", "ends"), [
    (oslo(2026, 11, 27, 21, 0), oslo(2026, 11, 30)),  # Friday evening
    (oslo(2026, 11, 29, 23, 59), oslo(2026, 11, 30)),  # Sunday, a minute before Monday
    (oslo(2026, 11, 30, 0, 0), oslo(2026, 12, 7)),  # Monday's first moment: a new week
    (oslo(2027, 3, 28, 12, 0), oslo(2027, 3, 29)),  # the Sunday summer time begins
    (oslo(2027, 10, 31, 12, 0), oslo(2027, 11, 1)),  # the Sunday winter time begins
    (datetime(2026, 11, 29, 23, 30, tzinfo=UTC), oslo(2026, 12, 7)),  # Monday in Oslo
])
def test_the_week_ends_at_midnight_before_monday_in_oslo(moment, ends):
    assert end_of_oslo_week(moment) == ends


def test_due_this_week_and_overdue_on_a_friday_evening_and_a_sunday(world, clock):
    # Routed late on Wednesday: acknowledge by Friday 23:00, two hours after the moment
    # below; routed on Thursday at half past midnight: acknowledge by Monday 00:30.
    friday = routed_case(world, routed_at=oslo(2026, 11, 25, 23, 0))
    monday = routed_case(world, routed_at=oslo(2026, 11, 26, 0, 30))
    late = routed_case(world, routed_at=oslo(2026, 11, 20, 10, 0))
    friday_evening = oslo(2026, 11, 27, 21, 0)
    assert cases(world.ward_handler, "due_this_week", friday_evening) == [friday.case_number]
    assert cases(world.ward_handler, "overdue", friday_evening) == [late.case_number]
    sunday_night = oslo(2026, 11, 29, 23, 59)
    assert counts(world.ward_handler, sunday_night)["due_this_week"] == 0
    assert set(cases(world.ward_handler, "overdue", sunday_night)) == {
        friday.case_number, late.case_number}
    monday_morning = oslo(2026, 11, 30, 0, 0)
    assert cases(world.ward_handler, "due_this_week", monday_morning) == [monday.case_number]
    # The list the section links to shows the same cases.
    listed = list_reports(world.ward_handler, ReportFilter(
        view=ListView.INBOX, due_this_week=True), now=friday_evening)
    assert [r.id for r in listed.items] == [friday.id]


def test_an_acknowledged_case_is_due_by_its_answer_deadline(world):
    report = routed_case(world, routed_at=oslo(2026, 11, 2, 10, 0))
    acknowledge_report(world.ward_handler, report, now=oslo(2026, 11, 3, 10, 0))
    db.session.flush()
    before = report.answer_due_at - timedelta(hours=1)
    assert cases(world.ward_handler, "due_this_week", before) == [report.case_number]
    assert counts(world.ward_handler, report.answer_due_at + MINUTE)["overdue"] == 1


def test_the_first_few_are_shown_and_all_are_counted(world, clock):
    for _ in range(7):
        routed_case(world)
    clock.shift(MINUTE)
    section = next(s for s in work_queue(world.ward_handler).sections
                   if s.key == "acknowledge")
    assert section.count == 7 and len(section.reports) == 5
    deadlines = [r.acknowledge_due_at for r in section.reports]
    assert deadlines == sorted(deadlines)


def test_an_unrouted_case_is_the_coordinators_to_acknowledge(world, clock):
    report = create_draft(world.reporter, world.report_input(category_id=world.other.id))
    submit_report(world.reporter, report)
    route_report(report)
    db.session.flush()
    clock.shift(MINUTE)
    assert report.responsible_unit_id is None
    assert cases(world.hospital_coordinator, "acknowledge") == [report.case_number]
    assert cases(world.hospital_coordinator, "unread_inbox") == [report.case_number]
    assert counts(world.ward_handler)["acknowledge"] == 0
