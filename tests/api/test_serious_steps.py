"""The serious event's two records through the API: the same rules as the case page."""

from __future__ import annotations

from avvik.extensions import db
from avvik.reports.models import Consequence
from avvik.reports.notices import notices_of
from avvik.reports.services import create_draft, submit_report
from avvik.routing.services import route_report
from tests.api.conftest import bearer, case_in
from tests.reports.world import EVENT_DAY


def serious_case(world):
    report = create_draft(world.reporter, world.report_input(
        consequence=Consequence.SIGNIFICANT, potential_consequence=Consequence.DEATH))
    submit_report(world.reporter, report)
    assert route_report(report)
    db.session.commit()
    return report


def post(client, report, rule, user, body):
    return client.post(f"/api/v1/reports/{report.id}/{rule}", json=body,
                       headers=bearer(user))


def test_the_receiving_side_records_the_notice_and_reads_it_back(client, world):
    report = serious_case(world)
    case = client.get(f"/api/v1/reports/{report.id}", headers=bearer(world.reporter)).get_json()
    assert case["is_serious"] is True and case["notices"] == {}
    response = post(client, report, "notified", world.ward_leader, {
        "sent": "yes", "on_date": EVENT_DAY.isoformat(), "by_whom": "Klinikkleder"})
    assert response.status_code == 200
    notice = response.get_json()["notices"]["authority"]
    assert (notice["answer"], notice["on_date"], notice["by_whom"]) == (
        "yes", EVENT_DAY.isoformat(), "Klinikkleder")
    assert response.get_json()["timeline"][-1]["kind"] == "authority_notice"


def test_the_patient_record_is_taken_from_either_side(client, world):
    report = serious_case(world)
    assert post(client, report, "informed", world.reporter,
                {"answer": "not_applicable"}).status_code == 200
    response = post(client, report, "informed", world.ward_handler,
                    {"answer": "yes", "on_date": EVENT_DAY.isoformat(), "note": "Samtale."})
    assert response.get_json()["notices"]["patient"]["answer"] == "yes"


def test_a_missing_date_is_422_naming_the_field(client, world):
    report = serious_case(world)
    response = post(client, report, "notified", world.ward_leader, {"sent": "yes"})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"on_date", "by_whom"}
    bad = post(client, report, "notified", world.ward_leader, {"sent": "maybe"})
    assert bad.status_code == 422
    db.session.expire_all()
    assert notices_of(report) == {}


def test_the_wrong_side_is_403_and_an_ordinary_case_409(client, world):
    report = serious_case(world)
    response = post(client, report, "notified", world.reporter,
                    {"sent": "yes", "on_date": EVENT_DAY.isoformat(), "by_whom": "Meg"})
    assert response.status_code == 403
    ordinary = case_in(world, "routed")
    response = post(client, ordinary, "informed", world.reporter, {"answer": "no"})
    assert response.status_code == 409
    assert "serious events only" in response.get_json()["detail"]
    hidden = post(client, report, "informed", world.outsider, {"answer": "no"})
    assert hidden.status_code == 404


def test_the_list_filters_serious_cases(client, world):
    report, ordinary = serious_case(world), case_in(world, "routed")
    body = client.get("/api/v1/reports?serious=true", headers=bearer(world.reporter)).get_json()
    assert [item["id"] for item in body["items"]] == [report.id]
    body = client.get("/api/v1/reports", headers=bearer(world.reporter)).get_json()
    marked = {item["id"]: item["is_serious"] for item in body["items"]}
    assert marked == {report.id: True, ordinary.id: False}
