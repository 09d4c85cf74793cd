"""One POST per step of a case's life; illegal steps 409, cases out of scope 404."""

from __future__ import annotations

import pytest
from sqlalchemy import text

import avvik.reports.steps
from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services import acknowledge_report
from tests.api.conftest import bearer, case_in

VALID_BODIES = {
    "acknowledge": None, "close": None, "withdraw": None, "approve": None,
    "answer": {"cause": "Rutinesvikt.", "measures": "Ny sjekkliste."},
    "reopen": {"reason": "Svaret forklarer ikke hva som skjedde."},
    "forward": {"unit_id": 1, "reason": "Feil post."},
    "comments": {"text": "Vi ser på saken."},
}


def step(client, report_id: int, name: str, headers: dict, body: dict | None = None):
    return client.post(f"/api/v1/reports/{report_id}/{name}", json=body, headers=headers)


def status_of(client, report_id: int, headers: dict) -> str:
    return client.get(f"/api/v1/reports/{report_id}", headers=headers).get_json()["status"]


def test_the_detail_has_the_timeline_with_actor_names(client, world, reporter_auth):
    report = case_in(world, "acknowledged")
    case = client.get(f"/api/v1/reports/{report.id}", headers=reporter_auth).get_json()
    assert case["id"] == report.id and case["case_number"] == report.case_number
    kinds = [(e["kind"], e["actor_name"]) for e in case["timeline"]]
    assert kinds == [("submitted", world.reporter.full_name), ("routed", None),
                     ("acknowledged", world.ward_handler.full_name)]
    assert case["responsible_unit"] == {"id": world.ward.id, "name": "Medisinsk sengepost"}
    assert all({"kind", "text", "created_at", "actor_name"} <= set(e) for e in case["timeline"])


def test_acknowledge_then_a_second_time_is_409(client, world, handler_auth):
    report = case_in(world, "routed")
    response = step(client, report.id, "acknowledge", handler_auth)
    assert response.status_code == 200 and response.get_json()["status"] == "acknowledged"
    again = step(client, report.id, "acknowledge", handler_auth)
    assert again.status_code == 409 and again.get_json()["detail"]


def test_a_step_for_the_other_side_is_403_on_a_visible_case(client, world, reporter_auth):
    report = case_in(world, "routed")
    assert step(client, report.id, "acknowledge", reporter_auth).status_code == 403
    assert status_of(client, report.id, reporter_auth) == "routed"


def test_answer_and_its_field_errors(client, world, handler_auth):
    report = case_in(world, "acknowledged")
    response = step(client, report.id, "answer", handler_auth, {"cause": " ", "measures": 3})
    assert response.status_code == 422
    # The schema first: a blank cause is refused there too.
    assert set(response.get_json()["errors"]["json"]) == {"cause", "measures"}
    response = step(client, report.id, "answer", handler_auth,
                    {"cause": "Pasient 15108695088 fikk feil.", "measures": "Ny rutine."})
    assert set(response.get_json()["errors"]["json"]) == {"cause"}  # then the service
    response = step(client, report.id, "answer", handler_auth, VALID_BODIES["answer"])
    assert response.status_code == 200
    case = response.get_json()
    assert case["status"] == "answered" and case["answer_cause"] == "Rutinesvikt."
    assert step(client, report.id, "answer", handler_auth,
                VALID_BODIES["answer"]).status_code == 409


def test_close_waits_for_the_answer_to_reach_the_reporter(client, world, reporter_auth):
    answered = case_in(world, "answered")
    not_yet = step(client, answered.id, "close", reporter_auth)
    assert not_yet.status_code == 409
    delivered = case_in(world, "delivered")
    response = step(client, delivered.id, "close", reporter_auth)
    assert response.status_code == 200 and response.get_json()["status"] == "closed"
    again = step(client, delivered.id, "close", reporter_auth)
    assert again.status_code == 409
    # Two different refusals, each with its own message.
    assert not_yet.get_json()["detail"] != again.get_json()["detail"]


def test_reopen_once_with_a_reason(client, world, reporter_auth):
    report = case_in(world, "delivered")
    response = step(client, report.id, "reopen", reporter_auth, {"reason": ""})
    assert "reason" in response.get_json()["errors"]["json"]
    response = step(client, report.id, "reopen", reporter_auth, VALID_BODIES["reopen"])
    assert response.status_code == 200
    assert response.get_json()["status"] == "submitted"
    assert response.get_json()["reopen_count"] == 1
    assert step(client, report.id, "reopen", reporter_auth,
                VALID_BODIES["reopen"]).status_code == 409


def test_forward_to_another_unit_of_the_receiver(client, world, handler_auth):
    report = case_in(world, "routed")
    for unit_id in (world.home_care.id, 2**31 - 1):
        response = step(client, report.id, "forward", handler_auth,
                        {"unit_id": unit_id, "reason": "Feil post."})
        assert "unit_id" in response.get_json()["errors"]["json"]
    response = step(client, report.id, "forward", handler_auth,
                    {"unit_id": world.other_ward.id, "reason": "Feil post."})
    assert response.status_code == 200
    assert response.get_json()["status"] == "submitted"
    assert response.get_json()["timeline"][-1]["kind"] == "forwarded"


def test_withdraw_before_acknowledgement_only(client, world, reporter_auth):
    report = case_in(world, "submitted")
    response = step(client, report.id, "withdraw", reporter_auth)
    assert response.status_code == 200 and response.get_json()["status"] == "withdrawn"
    late = case_in(world, "acknowledged")
    assert step(client, late.id, "withdraw", reporter_auth).status_code == 409


def test_approve_by_the_reporting_units_leader(client, world, reporter_auth):
    world.kommune.is_approval_required = True
    db.session.commit()
    report = case_in(world, "submitted")
    assert report.status == ReportStatus.AWAITING_APPROVAL
    assert step(client, report.id, "approve", reporter_auth).status_code == 403
    leader = bearer(world.kommune_leader)
    response = step(client, report.id, "approve", leader)
    assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    assert step(client, report.id, "approve", leader).status_code == 409


def test_comments_from_both_sides(client, world, reporter_auth, handler_auth):
    report = case_in(world, "routed")
    response = step(client, report.id, "comments", handler_auth, {"text": "Vi ser på saken."})
    assert response.status_code == 201
    response = step(client, report.id, "comments", reporter_auth, {"text": "Takk <b>!</b>"})
    comments = [e for e in response.get_json()["timeline"] if e["kind"] == "comment"]
    assert [(c["text"], c["actor_name"]) for c in comments] == [
        ("Vi ser på saken.", world.ward_handler.full_name),
        ("Takk <b>!</b>", world.reporter.full_name)]
    assert "text" in step(client, report.id, "comments", reporter_auth,
                          {"text": "\x00 "}).get_json()["errors"]["json"]
    draft = case_in(world, "draft")
    assert step(client, draft.id, "comments", reporter_auth,
                {"text": "Hei"}).status_code == 409


def test_a_draft_is_the_reporters_alone(client, world, handler_auth):
    draft = case_in(world, "draft")
    assert client.get(f"/api/v1/reports/{draft.id}", headers=handler_auth).status_code == 404


@pytest.mark.parametrize("state", ["submitted", "routed", "delivered"])
def test_an_outsider_gets_404_for_every_endpoint_of_a_case(client, world, outsider_auth,
                                                           reporter_auth, state):
    report = case_in(world, state)
    missing = 2**31 - 1
    detail = client.get(f"/api/v1/reports/{report.id}", headers=outsider_auth)
    assert detail.status_code == 404
    assert detail.get_json() == client.get(f"/api/v1/reports/{missing}",
                                           headers=outsider_auth).get_json()
    listed = client.get("/api/v1/reports", headers=outsider_auth).get_json()
    assert listed["total"] == 0 and listed["items"] == []
    by_number = client.get("/api/v1/reports", query_string={"case_number": report.case_number},
                           headers=outsider_auth).get_json()
    assert by_number["total"] == 0
    for name, body in VALID_BODIES.items():
        response = step(client, report.id, name, outsider_auth, body)
        assert response.status_code == 404, name
        assert response.get_json() == step(client, missing, name, outsider_auth,
                                           body).get_json()
    db.session.expire_all()
    assert db.session.get(Report, report.id).status == report.status
    assert client.get(f"/api/v1/reports/{report.id}", headers=reporter_auth).status_code == 200


def test_ids_beyond_any_row_are_404(client, world, reporter_auth):
    for report_id in (0, 2**31, 2**64, 10**30):
        response = client.get(f"/api/v1/reports/{report_id}", headers=reporter_auth)
        assert response.status_code == 404
        assert step(client, report_id, "withdraw", reporter_auth).status_code == 404


def test_a_concurrent_update_is_a_409_and_changes_nothing(client, world, handler_auth,
                                                          monkeypatch):
    report = case_in(world, "routed")

    def acknowledge_after_someone_else(actor, case):
        # Another handler commits between our load and our write: the version moves on.
        db.session.connection().execute(
            text("UPDATE reports SET version = version + 1 WHERE id = :id"), {"id": case.id})
        return acknowledge_report(actor, case)

    monkeypatch.setattr(avvik.reports.steps, "acknowledge_report",
                        acknowledge_after_someone_else)
    response = step(client, report.id, "acknowledge", handler_auth)
    assert response.status_code == 409 and response.get_json()["detail"]
    assert status_of(client, report.id, handler_auth) == "routed"

