"""The escalation ladder through `avvik escalate --now`, a real worker, Redis and SMTP.

Deadlines pass because the test names the moment, never by waiting. The cases are
routed on Monday 8 March 2027 09:00; Easter 2027 (Maundy Thursday 25 March, Good Friday
26 March, Easter Monday 29 March) moves the answer deadline (15 working days) from
Monday 29 March to Thursday 1 April 09:00.
"""

from __future__ import annotations

import subprocess
import threading
from datetime import datetime

import pytest

from avvik.core.templating import oslo_datetime
from avvik.core.timeutil import OSLO
from avvik.escalation.cli import escalate_command
from avvik.escalation.services import sweep
from avvik.extensions import db
from avvik.notifications.services import message_id_for
from avvik.outbox.dispatch import publish_committed
from avvik.reports.models import Report
from avvik.reports.services import answer_report
from avvik.users.models import User
from tests.tasks.system import (
    AVVIK,
    DESCRIPTION,
    KOMMUNE_COORDINATOR,
    System,
    message_text,
)

pytestmark = pytest.mark.slow

ROUTED_AT = datetime(2027, 3, 8, 9, 0, tzinfo=OSLO)
ANSWER_DUE = datetime(2027, 4, 1, 9, 0, tzinfo=OSLO)


def escalate(system: System, when: str) -> str:
    """One sweep with `avvik escalate --now WHEN`, run in this process (Click's runner)."""
    result = system.app.test_cli_runner().invoke(escalate_command, ["--now", when])
    db.session.remove()
    assert result.exit_code == 0, result.output
    return result.output


def escalate_in_own_process(system: System, when: str) -> str:
    """The same in a process of its own, as an operator runs it."""
    return system.avvik("escalate", "--now", when).stdout


def mail_key(kind: str, report_id: int, user_id: int, level: int | None = None) -> str:
    stamp = int(ANSWER_DUE.timestamp())
    middle = f"{report_id}:{level}:{stamp}" if level is not None else f"{report_id}:{stamp}"
    return message_id_for(f"{kind}:{middle}:{user_id}")


def answer(system: System, report_id: int, now: datetime) -> None:
    handler = db.session.get(User, system.cast.ward_handler.id)
    answer_report(handler, db.session.get(Report, report_id), "Listen ble ikke sendt.",
                  "Sjekkliste for utskrivning er innført.", now=now)
    db.session.commit()
    publish_committed()
    db.session.remove()


def test_an_overdue_case_climbs_the_ladder_once_and_an_answered_one_never(
        system: System) -> None:
    cast = system.cast
    system.start_worker()
    late = system.file_case(now=ROUTED_AT, routed=True)
    in_time = system.file_case(now=ROUTED_AT, routed=True)
    answer(system, in_time, datetime(2027, 3, 30, 14, 0, tzinfo=OSLO))
    # Routed: 2 x (handler, leader); answered: the reporter and the reporting leader.
    system.wait_for_mail(6)
    system.wait_until_settled()
    assert system.read(lambda: db.session.get(Report, late).answer_due_at) == ANSWER_DUE
    before = len(system.mail())

    def step(when: str, mails: int) -> list:
        """A sweep that takes one step (or none) and sends ``mails`` e-mails for it."""
        output = escalate(system, when)
        assert f"{1 if mails else 0} step(s) taken" in output, output
        mail = system.wait_for_mail(len(system.mail()) + mails)
        system.wait_until_settled()
        return mail[-mails:] if mails else []

    assert step("2027-03-19T10:00:00+01:00", 0) == []
    # Five working days before 1 April, counted back over Easter: Monday 22 March.
    reminders = step("2027-03-22T10:00:00+01:00", 2)
    assert sorted(m["Message-ID"] for m in reminders) == sorted(
        mail_key("reminder", late, p.id) for p in (cast.ward_handler, cast.ward_leader))
    # Easter Monday would be the deadline if holidays counted; 08:59 on the day is early.
    assert step("2027-03-29T10:00:00+02:00", 0) == []
    assert step("2027-04-01T08:59:00+02:00", 0) == []

    output = escalate_in_own_process(system, "2027-04-01T09:30:00+02:00")
    assert f"{system.report(late)['case_number']}: escalation to level 1" in output
    [level1] = system.wait_for_mail(before + 3)[-1:]
    system.wait_until_settled()
    assert level1["To"] == cast.clinic_leader.email  # the leader above the ward
    assert level1["Message-ID"] == mail_key("escalation", late, cast.clinic_leader.id, 1)
    text = message_text(level1)
    assert oslo_datetime(ANSWER_DUE) in text  # since when it is overdue
    assert "level 1" in text and DESCRIPTION not in text
    # The same sweep again, as its own process: nothing more to do, nothing sent.
    assert "0 step(s) taken" in escalate_in_own_process(system, "2027-04-01T09:30:00+02:00")

    # Level 2 five working days after the deadline, level 3 ten.
    assert step("2027-04-07T23:00:00+02:00", 0) == []
    [level2] = step("2027-04-08T09:30:00+02:00", 1)
    assert level2["Message-ID"] == mail_key("escalation", late, cast.hospital_coordinator.id, 2)
    assert step("2027-04-14T16:00:00+02:00", 0) == []
    # Level 3 puts the case on the committee's agenda: the secretariat is told, and so
    # are both organisations' coordinators (avvik.committee.services.place_on_agenda).
    at_level3 = step("2027-04-15T09:30:00+02:00", 3)
    [level3] = [m for m in at_level3 if m["To"] == cast.secretary.email]
    assert level3["Message-ID"] == mail_key("escalation", late, cast.secretary.id, 3)
    assert "joint committee" in message_text(level3)
    assert sorted(m["To"] for m in at_level3 if m is not level3) == sorted(
        [cast.hospital_coordinator.email, KOMMUNE_COORDINATOR])
    assert step("2027-05-03T10:00:00+02:00", 0) == []

    assert len(system.mail()) == before + 7
    system.assert_no_message_twice()
    late_case, answered_case = system.report(late), system.report(in_time)
    assert late_case["escalation_level"] == 3
    assert [(k, d.get("level")) for k, d in late_case["events"]
            if k in ("reminder", "escalated")] == [
        ("reminder", None), ("escalated", 1), ("escalated", 2), ("escalated", 3)]
    assert answered_case["escalation_level"] == 0
    assert not [k for k, _ in answered_case["events"] if k in ("reminder", "escalated")]


CASES = 4


def test_two_sweeps_at_the_same_moment_send_no_e_mail_twice(system: System) -> None:
    cast = system.cast
    system.start_worker()
    cases = [system.file_case(now=ROUTED_AT, routed=True) for _ in range(CASES)]
    system.wait_for_mail(2 * CASES)
    system.wait_until_settled()

    # Level 1: two threads, each with its own session and connection, released together.
    barrier = threading.Barrier(2)
    taken: list[int] = []

    def run_sweep() -> None:
        with system.app.app_context():
            barrier.wait(10)
            steps = sweep(datetime(2027, 4, 2, 10, 0, tzinfo=OSLO))
            db.session.commit()
            publish_committed()
            taken.append(len(steps))
            db.session.remove()

    threads = [threading.Thread(target=run_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(taken) == CASES, taken
    level1 = system.wait_for_mail(2 * CASES + CASES)[2 * CASES:]
    assert sorted(m["Message-ID"] for m in level1) == sorted(
        mail_key("escalation", case, cast.clinic_leader.id, 1) for case in cases)

    # Level 2: two `avvik escalate` processes started at once.
    argv = [AVVIK, "escalate", "--now", "2027-04-09T10:00:00+02:00"]
    sweeps = [subprocess.Popen(argv, env=system.env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in sweeps]
    assert [process.returncode for process in sweeps] == [0, 0], outputs
    assert sum(out.count("escalation to level 2") for out in outputs) == CASES, outputs
    level2 = system.wait_for_mail(3 * CASES + CASES)[3 * CASES:]
    rows = system.wait_until_settled()

    assert sorted(m["Message-ID"] for m in level2) == sorted(
        mail_key("escalation", case, cast.hospital_coordinator.id, 2) for case in cases)
    assert len(system.mail()) == 4 * CASES
    assert len([r for r in rows if r["task"] == "mail.send"]) == 4 * CASES
    system.assert_no_message_twice()
    for case in cases:
        assert [k for k, _ in system.report(case)["events"]].count("escalated") == 2
