"""The escalation ladder in working days: reminder, level 1, 2, 3, each once."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from avvik.core.timeutil import OSLO
from avvik.escalation.services import due_steps, sweep
from avvik.extensions import db
from avvik.outbox.models import OutboxMessage
from avvik.reports.services import answer_report, create_draft, submit_report
from avvik.routing.services import route_report
from avvik.users.models import Role, User
from tests.factories import make_user

# Routed Monday 23 November 2026 09:00: answer due Monday 14 December 09:00 (15 days).
ROUTED_AT = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)


@pytest.fixture
def case(world):
    make_user("secretary", roles=[(Role.SECRETARIAT, world.clinic.parent)])
    report = create_draft(world.reporter, world.report_input(), now=ROUTED_AT)
    submit_report(world.reporter, report, now=ROUTED_AT)
    route_report(report, now=ROUTED_AT)
    return report


def mails(template: str) -> list[int]:
    rows = db.session.execute(select(OutboxMessage.payload).where(
        OutboxMessage.task == "mail.send")).scalars()
    return sorted(p["user_id"] for p in rows if p["template"] == template)


def at(day: int, month: int = 12, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 1, tzinfo=OSLO)


def test_nothing_happens_well_before_the_deadline(case):
    assert sweep(at(1)) == []


def test_reminder_five_working_days_before_then_the_ladder(world, case):
    assert case.answer_due_at == datetime(2026, 12, 14, 9, 0, tzinfo=OSLO)
    # 5 working days before 14 Dec is Monday 7 Dec.
    assert sweep(at(4)) == []
    [reminder] = sweep(at(7))
    assert reminder.kind == "reminder"
    assert mails("answer_reminder") == sorted([world.ward_handler.id, world.ward_leader.id])
    assert sweep(at(8)) == []  # once only

    [level1] = sweep(at(14, hour=10))
    assert (level1.kind, level1.level) == ("escalation", 1)
    assert mails("escalation") == [world.clinic_leader.id]
    # Level 2 five working days after the deadline: Monday 21 December.
    assert sweep(at(18)) == []
    [level2] = sweep(at(21))
    assert level2.level == 2 and case.escalation_level == 2
    # Level 3 ten working days after: 24 Dec is a working day, 25 and 26 Dec are not.
    assert sweep(at(28)) == []
    [level3] = sweep(at(29))
    assert level3.level == 3
    secretary = db.session.execute(select(User).filter_by(username="secretary")).scalar_one()
    assert mails("escalation") == sorted([world.clinic_leader.id,
                                          world.hospital_coordinator.id, secretary.id])
    assert sweep(at(20, month=1, year=2027)) == []
    kinds = [(e.kind, e.data.get("level")) for e in case.events if e.kind in
             ("reminder", "escalated")]
    assert kinds == [("reminder", None), ("escalated", 1), ("escalated", 2), ("escalated", 3)]


def test_a_late_sweep_climbs_one_level_at_a_time(case):
    late = at(20, month=1, year=2027)
    assert [s.level for s in sweep(late)] == [1]
    assert [s.level for s in sweep(late)] == [2]
    assert [s.level for s in sweep(late)] == [3]
    assert sweep(late) == []


def test_an_answered_case_never_escalates(world, case):
    answer_report(world.ward_handler, case, "Årsak", "Tiltak", now=at(10))
    assert sweep(at(20, month=1, year=2027)) == []


def test_dry_run_changes_nothing(case):
    planned = sweep(at(15), dry_run=True)
    assert [s.level for s in planned] == [1]
    assert case.escalation_level == 0
    assert due_steps(at(15)) == planned
