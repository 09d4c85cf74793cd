"""The case page and its steps, as each side meets them in the browser."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from avvik.audit.models import AuditEntry
from avvik.extensions import db
from avvik.reports import steps
from avvik.reports.models import ReportEvent, ReportStatus
from avvik.reports.services import create_draft, submit_report
from avvik.reports.services.validation import PatientIdentityInput
from avvik.routing.services import route_report
from tests.conftest import csrf_token_from, login, new_browser
from tests.factories import DEFAULT_PASSWORD

STEP_NAMES = ("acknowledge", "answer", "close", "reopen", "forward", "withdraw", "approve",
              "return", "comment")


def browser_for(app, user):
    user.locale = "en"
    db.session.flush()
    browser = new_browser(app)
    assert login(browser, user.username, DEFAULT_PASSWORD).status_code == 302
    return browser


def routed_case(world, **overrides):
    report = create_draft(world.reporter, world.report_input(**overrides))
    submit_report(world.reporter, report)
    route_report(report)
    db.session.flush()
    return report


def step(browser, report, name, version=None, **fields):
    """Post one step the way the case page does: its token and the version it showed."""
    page = browser.get(f"/reports/{report.id}")
    db.session.refresh(report)
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)),
            f"{name}-version": str(report.version if version is None else version)}
    data.update({f"{name}-{key}": value for key, value in fields.items()})
    return browser.post(f"/reports/{report.id}/{name}", data=data)


def kinds(report) -> list[str]:
    return list(db.session.scalars(select(ReportEvent.kind).filter_by(report_id=report.id)
                                   .order_by(ReportEvent.id)))


def page_of(browser, response) -> str:
    return browser.get(response.headers["Location"]).get_data(as_text=True)


def test_case_page_shows_fields_status_deadlines_and_why_it_was_routed(app, world):
    report = routed_case(world, suggestion="Bruk sjekkliste.")
    html = browser_for(app, world.ward_handler).get(f"/reports/{report.id}").get_data(
        as_text=True)
    assert f"Case {report.case_number}" in html
    assert '<span class="ds-tag" data-color="info" data-size="sm">Routed</span>' in html
    assert ("Routed to Medisinsk sengepost by the rule “Legemidler til medisinsk "
            "sengepost”.") in html
    assert "2 working days left" in html and "15 working days left" in html
    for text_ in ("Legemiddelliste mangler", "5 Utskrivningsklare pasienter", "C Utskrivning",
                  "Pasienten kom hjem uten legemiddelliste.", "Bruk sjekkliste.", "Minor",
                  "Moderate", "Hjemmetjenesten sone nord", world.reporter.full_name):
        assert text_ in html
    assert "submitted the report." in html  # the timeline, in sentences
    assert "Acknowledge the case" in html and "Answer the case" in html
    assert "Withdraw the report" not in html  # that is the reporting side's step


def test_reporter_sees_only_the_reporting_sides_steps(app, world):
    report = routed_case(world)
    html = browser_for(app, world.reporter).get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Withdraw the report" in html
    assert "Acknowledge the case" not in html and "Answer the case" not in html


def test_a_case_goes_its_whole_life_through_the_buttons(app, world):
    report = routed_case(world)
    handler, reporter = browser_for(app, world.ward_handler), browser_for(app, world.reporter)

    response = step(handler, report, "acknowledge")
    assert "The case is acknowledged." in page_of(handler, response)
    response = step(handler, report, "answer", cause="Sjekklisten ble ikke brukt.",
                    measures="Sjekklisten er innført på posten.")
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status == ReportStatus.ANSWERED and report.answer_delivered_at is None
    assert "Close the case" not in handler.get(f"/reports/{report.id}").get_data(as_text=True)
    db.session.refresh(report)
    assert report.answer_delivered_at is None  # the receiving side reading it is not enough

    html = reporter.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Sjekklisten er innført på posten." in html
    db.session.refresh(report)
    assert report.answer_delivered_at is not None  # the answer has reached the reporter
    response = step(reporter, report, "reopen", reason="Svaret forklarer ikke årsaken.")
    db.session.refresh(report)
    assert (report.status, report.reopen_count) == (ReportStatus.SUBMITTED, 1)

    assert route_report(report)
    db.session.flush()
    step(handler, report, "answer", cause="Ny gjennomgang.", measures="Opplæring.")
    reporter.get(f"/reports/{report.id}")
    response = step(reporter, report, "close")
    db.session.refresh(report)
    assert report.status == ReportStatus.CLOSED
    html = page_of(reporter, response)
    # A second disagreement is still possible: it goes to the joint committee.
    assert "The case is closed." in html and "a second disagreement goes to the joint " \
        "committee" in html
    assert kinds(report) == ["submitted", "routed", "acknowledged", "answered",
                             "answer_delivered", "reopened", "routed", "answered",
                             "answer_delivered", "closed"]


def test_forward_sends_the_case_to_another_unit_with_the_reason(app, world):
    report = routed_case(world)
    handler = browser_for(app, world.ward_handler)
    response = step(handler, report, "forward", unit_id="", reason="")
    assert response.status_code == 422
    assert "Choose the unit to forward to." in response.get_data(as_text=True)
    response = step(handler, report, "forward", unit_id=str(world.other_ward.id),
                    reason="Gjelder kirurgisk pasient.")
    assert response.status_code == 302
    db.session.refresh(report)
    assert route_report(report, forced_unit_id=world.other_ward.id)
    db.session.flush()
    html = browser_for(app, world.other_ward_handler).get(f"/reports/{report.id}").get_data(
        as_text=True)
    assert "Forwarded to Kirurgisk sengepost." in html
    assert "forwarded the case from Medisinsk sengepost to Kirurgisk sengepost:" in html
    assert "Gjelder kirurgisk pasient." in html


def test_the_notice_about_kept_text_is_said_once_however_many_forms_keep_text(app, world):
    report = routed_case(world)
    html = browser_for(app, world.ward_handler).get(f"/reports/{report.id}").get_data(
        as_text=True)
    keeping = html.count("data-keep-key=")
    assert keeping >= 3  # answer, forward and comment: each keeps its unsent text
    assert html.count("Text you have not sent yet is kept in this browser") == 1
    assert html.count("data-keep-notice") == 1
    assert html.count("data-keep-restored") == keeping  # what came back, form by form


def test_reporter_withdraws_before_acknowledgement(app, world):
    report = routed_case(world)
    reporter = browser_for(app, world.reporter)
    response = step(reporter, report, "withdraw")
    assert "withdrew the report." in page_of(reporter, response)
    db.session.refresh(report)
    assert report.status == ReportStatus.WITHDRAWN


def test_leader_approves_or_sends_back_a_report_awaiting_approval(app, world):
    world.kommune.is_approval_required = True
    db.session.flush()
    first = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, first)
    second = create_draft(world.reporter, world.report_input())
    submit_report(world.reporter, second)
    leader = browser_for(app, world.kommune_leader)
    assert "Approve and send" in leader.get(f"/reports/{first.id}").get_data(as_text=True)

    step(leader, first, "approve")
    response = step(leader, second, "return", reason="Beskriv hendelsen bedre.")
    assert "sent back to its reporter" in page_of(leader, response)
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status == ReportStatus.SUBMITTED
    assert second.status == ReportStatus.DRAFT


def test_both_sides_use_the_comment_thread(app, world):
    report = routed_case(world)
    reporter, handler = browser_for(app, world.reporter), browser_for(app, world.ward_handler)
    step(reporter, report, "comment", text="Pasienten har fått ny liste nå.")
    step(handler, report, "comment", text="Takk, vi ser på saken.")
    html = reporter.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Pasienten har fått ny liste nå." in html and "Takk, vi ser på saken." in html
    assert "reporting side" in html and "receiving side" in html

    response = step(handler, report, "comment", text="Gjelder 15076500565.")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "national identity number at character 9" in html
    assert "Gjelder 15076500565." in html  # kept to be corrected
    assert kinds(report).count("comment") == 2


def test_step_not_allowed_now_gets_a_message_and_changes_nothing(app, world):
    report = routed_case(world)
    handler = browser_for(app, world.ward_handler)
    response = step(handler, report, "close")
    assert "Only an answered case can be closed." in page_of(handler, response)
    step(handler, report, "acknowledge")
    response = step(handler, report, "acknowledge")
    assert "can be acknowledged only once" in page_of(handler, response)
    reporter = browser_for(app, world.reporter)
    response = step(reporter, report, "answer", cause="x", measures="y")
    assert "You cannot take this step on this case." in page_of(reporter, response)
    db.session.refresh(report)
    assert report.status == ReportStatus.ACKNOWLEDGED
    assert kinds(report) == ["submitted", "routed", "acknowledged"]


def test_step_on_a_case_changed_since_the_page_was_shown_is_refused(app, world):
    report = routed_case(world)
    shown_version = report.version
    leader = browser_for(app, world.ward_leader)
    step(leader, report, "acknowledge")
    response = step(browser_for(app, world.ward_handler), report, "answer",
                    version=shown_version, cause="Årsak.", measures="Tiltak.")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed the case" in html
    assert "Årsak." in html  # the typed answer is still on the page
    db.session.refresh(report)
    assert report.status == ReportStatus.ACKNOWLEDGED


def test_concurrent_update_at_commit_is_rolled_back_with_a_message(app, world, monkeypatch):
    report = routed_case(world)
    real = steps.acknowledge_report

    def someone_else_first(actor, case):
        # Another request updates the row between our read and our write.
        db.session.connection().execute(
            text("UPDATE reports SET version = version + 1 WHERE id = :id"), {"id": case.id})
        return real(actor, case)

    monkeypatch.setattr(steps, "acknowledge_report", someone_else_first)
    response = step(browser_for(app, world.ward_handler), report, "acknowledge")
    assert response.status_code == 409
    assert "Someone else changed the case" in response.get_data(as_text=True)
    db.session.refresh(report)
    assert report.status == ReportStatus.ROUTED
    assert "acknowledged" not in kinds(report)


def test_csrf_failure_on_a_step_keeps_the_typed_answer(app, world):
    report = routed_case(world)
    handler = browser_for(app, world.ward_handler)
    response = handler.post(f"/reports/{report.id}/answer", data={
        "csrf_token": "stale", "answer-cause": "Årsaken var travelhet.",
        "answer-measures": "Bemanning."})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The page had expired" in html and "Årsaken var travelhet." in html
    db.session.refresh(report)
    assert report.status == ReportStatus.ROUTED


@pytest.mark.parametrize("username", ["outsider", "other_ward_handler"])
def test_a_case_out_of_scope_is_404_on_the_page_and_every_step(app, world, username):
    report = routed_case(world)
    draft = create_draft(world.reporter, world.report_input())
    db.session.flush()
    browser = browser_for(app, getattr(world, username))
    token = csrf_token_from(browser.get("/reports/").get_data(as_text=True))
    for case in (report, draft):
        assert browser.get(f"/reports/{case.id}").status_code == 404
        assert browser.get(f"/reports/{case.id}/edit").status_code == 404
        for name in (*STEP_NAMES, "identity"):
            response = browser.post(f"/reports/{case.id}/{name}",
                                    data={"csrf_token": token, f"{name}-reason": "Fordi."})
            assert response.status_code == 404, name
    assert browser.get("/reports/999999").status_code == 404
    assert kinds(report) == ["submitted", "routed"]


def test_viewing_the_patient_identity_needs_a_reason_and_is_logged(app, world):
    world.hospital.is_patient_identity_wanted = True
    db.session.flush()
    report = routed_case(world, patient_identity=PatientIdentityInput(
        "Ola Testpasient", "15076500565"))
    handler = browser_for(app, world.ward_handler)
    html = handler.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Show the patient identity" in html and "Ola Testpasient" not in html
    response = step(handler, report, "identity", reason="")
    assert response.status_code == 422
    assert "State why you need the identity." in response.get_data(as_text=True)
    assert "identity_viewed" not in kinds(report)

    response = step(handler, report, "identity", reason="Må kontakte pasienten.")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Ola Testpasient" in html and "15076500565" in html
    assert response.headers["Cache-Control"] == "no-store"
    assert kinds(report)[-1] == "identity_viewed"
    audit = db.session.scalars(select(AuditEntry).filter_by(action="identity.viewed")).one()
    assert (audit.object_id, audit.actor_id, audit.reason) == (
        report.id, world.ward_handler.id, "Må kontakte pasienten.")
    timeline = handler.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "viewed the patient identity" in timeline and "Ola Testpasient" not in timeline


def test_only_those_who_may_see_the_identity_are_offered_it(app, world):
    world.hospital.is_patient_identity_wanted = True
    db.session.flush()
    report = routed_case(world, patient_identity=PatientIdentityInput(
        "Ola Testpasient", "15076500565"))
    leader = browser_for(app, world.ward_leader)  # a leader, not a handler
    assert "Show the patient identity" not in leader.get(
        f"/reports/{report.id}").get_data(as_text=True)
    response = step(leader, report, "identity", reason="Nysgjerrig på saken.")
    assert response.status_code == 404
    assert "identity_viewed" not in kinds(report)
