"""Declining and forwarding on the case page and through the API: the same step, the
same refusals, and a readable page for whoever sent the case away."""

from __future__ import annotations

from sqlalchemy import select

from avvik.extensions import db
from avvik.organizations.models import OrganizationKind
from avvik.outbox.models import OutboxMessage
from avvik.reports.models import ReportStatus
from avvik.routing.services import route_report
from avvik.users.models import Role
from tests.api.conftest import bearer
from tests.factories import make_organization, make_unit, make_user
from tests.reports.test_pages_case import browser_for, routed_case, step


def gp_office(world):
    office = make_organization("Legesenteret", kind=OrganizationKind.GP_OFFICE,
                               health_community=world.hospital.health_community)
    doctors = make_unit("Fastlegene", parent=make_unit("Legesenteret", organization=office))
    return office, doctors


def queued(template):
    return [row.payload for row in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.task == "mail.send"))
        if row.payload["template"] == template]


def test_after_a_forward_the_sender_reads_where_the_case_went(app, world):
    report = routed_case(world)
    handler = browser_for(app, world.ward_handler)
    response = step(handler, report, "forward", unit_id=str(world.other_ward.id),
                    reason="Gjelder kirurgisk pasient.")
    assert response.status_code == 302
    for _ in range(2):  # the page after the step, and a reload of it
        page = handler.get(response.headers["Location"])
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert f"Case {report.case_number} has moved" in html
        assert "It is now with Kirurgisk sengepost (Testvik sykehus HF)" in html
        assert "Pasienten kom hjem" not in html  # nothing of the case itself
    # The clinic's leader still sees it, with the new owner at once, before the worker.
    html = browser_for(app, world.clinic_leader).get(f"/reports/{report.id}").get_data(
        as_text=True)
    assert "Forwarded to Kirurgisk sengepost." in html
    [mail] = queued("case_forwarded")
    assert mail["user_id"] == world.reporter.id and mail["extra"] == {
        "unit": "Kirurgisk sengepost"}
    # A stranger still gets "not found".
    assert browser_for(app, world.outsider).get(f"/reports/{report.id}").status_code == 404


def test_decline_on_the_page_keeps_the_text_when_refused_then_moves_the_case(app, world):
    office, doctors = gp_office(world)
    report = routed_case(world)
    leader = browser_for(app, world.ward_leader)
    html = leader.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "Not yours to answer? Decline the case with a reason and a proposal" in html
    assert "Legesenteret: Fastlegene" in html
    refused = step(leader, report, "decline", proposal="other_organization",
                   organization_id="", unit_id="", reason="Gjelder fastlegens oppfølging.")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Choose the organisation you propose." in html
    assert "Gjelder fastlegens oppfølging.</textarea>" in html
    done = step(leader, report, "decline", proposal="other_organization",
                organization_id=str(office.id), unit_id=str(doctors.id),
                reason="Gjelder fastlegens oppfølging.")
    assert done.status_code == 302
    html = leader.get(done.headers["Location"]).get_data(as_text=True)
    assert "It is now with Fastlegene (Legesenteret)" in html
    db.session.refresh(report)
    assert route_report(report, forced_unit_id=doctors.id, basis="redirected")
    db.session.flush()
    html = browser_for(app, world.reporter).get(f"/reports/{report.id}").get_data(
        as_text=True)
    assert "Redirected to Fastlegene (Legesenteret) after a dispute about responsibility." \
        in html
    assert "declined the case and redirected it from Testvik sykehus HF to Legesenteret:" \
        in html


def test_the_other_side_is_refused_the_decline_with_a_reason(app, world):
    report = routed_case(world)
    reporter = browser_for(app, world.reporter)
    assert "Decline the case" not in reporter.get(f"/reports/{report.id}").get_data(
        as_text=True)
    response = step(reporter, report, "decline", proposal="reporting_side", reason="Nei.")
    assert response.status_code == 302
    html = reporter.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot take this step on this case." in html


def test_decline_through_the_api(client, world):
    office, _ = gp_office(world)
    report = routed_case(world)
    url = f"/api/v1/reports/{report.id}/decline"
    handler = bearer(world.ward_handler)
    assert client.post(url, json={"reason": "Nei.", "proposal": "reporting_side"},
                       headers=bearer(world.reporter)).status_code == 403
    bad = client.post(url, json={"reason": "Felles.", "proposal": "joint_answer"},
                      headers=handler)
    assert bad.status_code == 422 and "organization_id" in bad.get_json()["errors"]["json"]
    unknown = client.post(url, json={"reason": "Nei.", "proposal": "nobody"}, headers=handler)
    assert unknown.status_code == 422
    done = client.post(url, json={"reason": "Felles ansvar.", "proposal": "joint_answer",
                                  "organization_id": office.id}, headers=handler)
    assert done.status_code == 200
    assert done.get_json()["status"] == ReportStatus.SUBMITTED.value
    coordinator = make_user("gpkoord", roles=[(Role.COORDINATOR, office.units[0])])
    seen = client.get(f"/api/v1/reports/{report.id}", headers=bearer(coordinator))
    assert seen.status_code == 200 and seen.get_json()["case_number"] == report.case_number
