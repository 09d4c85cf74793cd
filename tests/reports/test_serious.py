"""Serious events: which cases are serious, their shorter deadlines, and the two records
(the notice to Helsetilsynet, the patient or next of kin informed) on the case page."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from avvik.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from avvik.core.timeutil import OSLO
from avvik.core.workdays import add_working_days
from avvik.extensions import db
from avvik.reports.models import Consequence, ReportEvent
from avvik.reports.notices import notices_of
from avvik.reports.presenting import viewer_for
from avvik.reports.queries import ListView, ReportFilter, list_reports
from avvik.reports.serious import is_serious
from avvik.reports.services import create_draft, submit_report
from avvik.reports.services.notices import record_authority_notice, record_patient_informed
from avvik.reports.steps import STEPS
from avvik.routing.services import route_report
from tests.reports.test_pages_case import browser_for, page_of, step

C = Consequence
SERIOUS = {"consequence": C.SIGNIFICANT, "potential_consequence": C.DEATH}


def case_of(world, *, now=None, route=True, **consequences):
    report = create_draft(world.reporter, world.report_input(**consequences))
    submit_report(world.reporter, report, now=now)
    if route:
        assert route_report(report, now=now)
    db.session.flush()
    return report


@pytest.mark.parametrize(("actual", "potential", "serious"), [
    (C.NONE, C.MODERATE, False), (C.MODERATE, C.SIGNIFICANT, False),
    (C.SIGNIFICANT, C.SIGNIFICANT, True), (C.DEATH, C.DEATH, True),
    (C.MINOR, C.DEATH, True),
])
def test_significant_harm_or_death_or_a_potential_death_is_serious(world, actual, potential,
                                                                   serious):
    report = case_of(world, route=False, consequence=actual, potential_consequence=potential)
    assert is_serious(report) is serious
    found = list_reports(world.admin, ReportFilter(view=ListView.ALL, serious=True)).items
    assert (report in found) is serious


@pytest.mark.clock
def test_a_serious_case_gets_the_communitys_shorter_deadlines(world, clock):
    ordinary, serious = case_of(world), case_of(world, **SERIOUS)
    assert ordinary.acknowledge_due_at == add_working_days(clock.now, 2)
    assert ordinary.answer_due_at == add_working_days(clock.now, 15)
    assert serious.acknowledge_due_at == add_working_days(clock.now, 1)
    assert serious.answer_due_at == add_working_days(clock.now, 5)


def test_the_next_working_day_skips_the_weekend_and_a_holiday(world):
    # Monday 17 May 2027 is Constitution Day and Whit Monday both.
    friday = datetime(2027, 5, 14, 14, 5, tzinfo=OSLO)
    report = case_of(world, now=friday, **SERIOUS)
    assert report.acknowledge_due_at == datetime(2027, 5, 18, 14, 5, tzinfo=OSLO)
    assert report.answer_due_at == datetime(2027, 5, 24, 14, 5, tzinfo=OSLO)
    maundy_thursday_eve = datetime(2027, 3, 24, 15, 0, tzinfo=OSLO)  # then Easter
    report = case_of(world, now=maundy_thursday_eve, **SERIOUS)
    assert report.acknowledge_due_at == datetime(2027, 3, 30, 15, 0, tzinfo=OSLO)


def test_the_community_sets_the_serious_deadlines_and_the_agreement_may_be_shorter(world):
    community = world.hospital.health_community
    community.serious_acknowledge_days, community.serious_answer_days = 2, 10
    world.agreement.answer_days = 7
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=OSLO)
    report = case_of(world, now=monday, **SERIOUS)
    assert report.acknowledge_due_at == monday + timedelta(days=2)
    assert report.answer_due_at == add_working_days(monday, 7)


def test_the_receiving_side_records_and_corrects_the_notice_to_helsetilsynet(world, clock):
    report = case_of(world, **SERIOUS)
    record_authority_notice(world.ward_leader, report, "no", None, "",
                            "Vurderes av klinikkleder.")
    record_authority_notice(world.ward_leader, report, "yes", clock.today, "Klinikkleder", "")
    notice = notices_of(report)["authority"]
    assert (notice.answer, notice.on_date, notice.by_whom) == ("yes", clock.today,
                                                               "Klinikkleder")
    events = db.session.scalars(select(ReportEvent).filter_by(
        report_id=report.id, kind="authority_notice").order_by(ReportEvent.id)).all()
    assert [(e.data["answer"], e.data["corrected"]) for e in events] == [
        ("no", False), ("yes", True)]


def test_the_notice_needs_its_date_and_sender_and_never_a_date_ahead(world, clock):
    report = case_of(world, **SERIOUS)
    with pytest.raises(ValidationFailed) as refused:
        record_authority_notice(world.ward_leader, report, "yes", None, "", "")
    assert {field for field, _ in refused.value.errors} == {"on_date", "by_whom"}
    with pytest.raises(ValidationFailed) as refused:
        record_authority_notice(world.ward_leader, report, "yes",
                                clock.today + timedelta(days=1), "Leder", "")
    assert [field for field, _ in refused.value.errors] == ["on_date"]
    with pytest.raises(ValidationFailed) as refused:
        record_authority_notice(world.ward_leader, report, "no", None, "", "")
    assert [field for field, _ in refused.value.errors] == ["note"]
    with pytest.raises(ValidationFailed) as refused:
        record_patient_informed(world.reporter, report, "yes", None, "Fnr 15076500565")
    assert {field for field, _ in refused.value.errors} == {"on_date", "note"}
    assert notices_of(report) == {}


def test_only_the_receiving_side_records_the_notice_and_either_side_the_patient(world,
                                                                                 clock):
    report = case_of(world, **SERIOUS)
    for user in (world.reporter, world.kommune_coordinator, world.outsider):
        with pytest.raises(PermissionDenied):
            record_authority_notice(user, report, "yes", clock.today, "Leder", "")
    with pytest.raises(PermissionDenied):
        record_patient_informed(world.outsider, report, "yes", clock.today, "")
    record_patient_informed(world.reporter, report, "no", None, "")
    record_patient_informed(world.hospital_coordinator, report, "yes", clock.today, "")
    assert notices_of(report)["patient"].answer == "yes"


def test_a_case_that_is_not_serious_has_neither_record(world, clock):
    report = case_of(world)
    with pytest.raises(IllegalTransition, match="Only a serious event"):
        record_authority_notice(world.ward_leader, report, "yes", clock.today, "Leder", "")
    with pytest.raises(IllegalTransition, match="serious events only"):
        record_patient_informed(world.reporter, report, "yes", clock.today, "")


def test_a_draft_has_neither_record(world, clock):
    report = create_draft(world.reporter, world.report_input(**SERIOUS))
    with pytest.raises(IllegalTransition, match="once the report has been submitted"):
        record_patient_informed(world.reporter, report, "yes", clock.today, "")


ROLES = ("reporter", "kommune_leader", "kommune_coordinator", "ward_handler", "ward_leader",
         "hospital_coordinator", "other_ward_handler", "outsider", "admin")


@pytest.mark.parametrize("serious", [True, False])
def test_a_record_is_offered_exactly_when_its_service_accepts_it(world, clock, serious):
    report = case_of(world, **(SERIOUS if serious else {}))
    values = {"sent": "yes", "answer": "yes", "on_date": clock.today, "by_whom": "Leder",
              "note": ""}
    wrong = []
    for role in ROLES:
        user = getattr(world, role)
        for name in ("notified", "informed"):
            savepoint = db.session.begin_nested()
            try:
                STEPS[name].run(user, report, values)
                accepted = True
            except (IllegalTransition, PermissionDenied):
                accepted = False
            finally:
                savepoint.rollback()
            if (name in viewer_for(user, report).steps) != accepted:
                wrong.append(f"{role} {name}")
    assert not wrong


def test_the_case_page_shows_the_duty_until_the_notice_is_recorded(app, world, clock):
    report = case_of(world, **SERIOUS)
    leader = browser_for(app, world.ward_leader)
    html = leader.get(f"/reports/{report.id}").get_data(as_text=True)
    assert 'id="duty-to-notify"' in html and "§ 3-3a" in html and "§ 12-3a" in html
    assert "data-serious" in html
    response = step(leader, report, "notified", sent="yes",
                    on_date=clock.today.strftime("%d.%m.%Y"), by_whom="Klinikkleder")
    assert response.status_code == 302
    html = page_of(leader, response)
    assert "The notice to Helsetilsynet is recorded." in html
    assert 'id="duty-to-notify"' not in html
    assert "Helsetilsynet was notified on" in html and "Klinikkleder" in html


def test_a_refused_record_keeps_what_was_typed(app, world):
    report = case_of(world, **SERIOUS)
    leader = browser_for(app, world.ward_leader)
    response = step(leader, report, "notified", sent="yes", by_whom="Avdelingsleder Berg",
                    note="Sendt via Altinn.")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the date the notice was sent." in html
    assert "Avdelingsleder Berg" in html and "Sendt via Altinn." in html
    assert notices_of(report) == {}


def test_the_wrong_side_is_told_and_nothing_is_recorded(app, world, clock):
    report = case_of(world, **SERIOUS)
    reporter = browser_for(app, world.reporter)
    response = step(reporter, report, "notified", sent="yes", by_whom="Meg",
                    on_date=clock.today.isoformat())
    assert "You cannot take this step on this case." in page_of(reporter, response)
    ordinary = case_of(world)
    response = step(reporter, ordinary, "informed", answer="yes",
                    on_date=clock.today.isoformat())
    assert "serious events only" in page_of(reporter, response)
    assert notices_of(report) == {} and notices_of(ordinary) == {}


def test_the_lists_mark_serious_cases_and_filter_them(app, world):
    serious, ordinary = case_of(world, **SERIOUS), case_of(world)
    browser = browser_for(app, world.ward_handler)
    html = browser.get("/reports/?view=inbox&serious=y").get_data(as_text=True)
    assert serious.case_number in html and ordinary.case_number not in html
    assert "Serious" in html and "data-serious" in html
    html = browser.get("/reports/?view=inbox").get_data(as_text=True)
    assert html.count("data-serious") == 1


def test_the_events_date_is_in_the_timeline_as_typed(world):
    report = case_of(world, **SERIOUS)
    record_patient_informed(world.reporter, report, "yes", date(2026, 11, 20), "")
    event = db.session.scalars(select(ReportEvent).filter_by(
        report_id=report.id, kind="patient_notice")).one()
    assert event.data == {"answer": "yes", "on_date": "2026-11-20", "by_whom": "",
                          "corrected": False}
