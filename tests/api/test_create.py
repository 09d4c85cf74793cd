"""``POST /api/v1/reports``: create and submit (or keep a draft), with the pages' rules."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from avvik.extensions import db
from avvik.reports.models import Report, ReportStatus
from avvik.reports.vault import has_identity
from tests.api.conftest import report_body

URL = "/api/v1/reports"
#: python-stdnum's documentation example of a valid number, as in tests/reports.
NATIONAL_ID = "15108695088"


def report_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def errors_of(response) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)
    return response.get_json()["errors"]["json"]


@pytest.mark.clock
def test_a_report_is_submitted_and_gets_a_case_number(client, world, reporter_auth, clock):
    response = client.post(URL, json=report_body(world), headers=reporter_auth)
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["status"] == "submitted"
    assert case["case_number"].startswith(f"SA-{clock.today.year}-")  # Norway's year
    assert case["reporting_unit"]["id"] == world.home_care_district.id  # the caller's own
    assert case["receiving_organization"]["id"] == world.hospital.id
    assert case["consequence"] == "minor" and case["has_patient_identity"] is False
    assert [e["kind"] for e in case["timeline"]] == ["submitted"]
    assert case["timeline"][0]["actor_name"] == world.reporter.full_name
    stored = db.session.get(Report, case["id"])
    assert stored.status == ReportStatus.SUBMITTED and stored.reporter_id == world.reporter.id


def test_draft_true_keeps_a_draft_without_a_case_number(client, world, reporter_auth):
    response = client.post(URL, json=report_body(world, draft=True), headers=reporter_auth)
    assert response.status_code == 201
    assert response.get_json()["status"] == "draft"
    assert response.get_json()["case_number"] is None


def test_the_patient_identity_goes_to_the_vault_and_never_comes_back(client, world,
                                                                    reporter_auth):
    world.hospital.is_patient_identity_wanted = True
    db.session.commit()
    body = report_body(world, patient_identity={"name": "Ola Testpasient",
                                                "national_id": NATIONAL_ID})
    response = client.post(URL, json=body, headers=reporter_auth)
    assert response.status_code == 201
    text = response.get_data(as_text=True)
    assert NATIONAL_ID not in text and "Testpasient" not in text
    assert response.get_json()["has_patient_identity"] is True
    case_id = response.get_json()["id"]
    assert has_identity(db.session.get(Report, case_id))
    for url in (f"{URL}/{case_id}", URL):
        again = client.get(url, headers=reporter_auth).get_data(as_text=True)
        assert NATIONAL_ID not in again and "Testpasient" not in again


def test_an_identity_the_receiver_does_not_ask_for_is_refused(client, world, reporter_auth):
    body = report_body(world, patient_identity={"name": "Ola", "national_id": NATIONAL_ID})
    response = client.post(URL, json=body, headers=reporter_auth)
    assert "patient_identity" in errors_of(response)
    assert report_count() == 0


def test_an_invalid_national_id_points_at_the_nested_field(client, world, reporter_auth):
    world.hospital.is_patient_identity_wanted = True
    db.session.commit()
    body = report_body(world, patient_identity={"name": "", "national_id": "1510869507"})
    errors = errors_of(client.post(URL, json=body, headers=reporter_auth))
    assert set(errors["patient_identity"]) == {"name", "national_id"}  # the schema's
    body = report_body(world, patient_identity={"name": "Kari", "national_id": "15108695077"})
    errors = errors_of(client.post(URL, json=body, headers=reporter_auth))
    assert set(errors["patient_identity"]) == {"national_id"}  # the service's check digits


def test_an_identity_number_in_the_text_is_refused_on_that_field(client, world, reporter_auth):
    body = report_body(world, suggestion=f"Gjelder pasient {NATIONAL_ID[:6]} {NATIONAL_ID[6:]}.")
    errors = errors_of(client.post(URL, json=body, headers=reporter_auth))
    assert list(errors) == ["suggestion"]
    assert "17" in errors["suggestion"][0]  # where the number stands
    assert report_count() == 0


def test_every_missing_field_gets_its_own_message(client, world, reporter_auth):
    errors = errors_of(client.post(URL, json={}, headers=reporter_auth))
    assert set(errors) == {"receiving_organization_id", "agreement_id", "transition_id",
                           "category_id", "event_date", "description", "consequence",
                           "potential_consequence"}


@pytest.mark.parametrize(("field", "value"), [
    ("agreement_id", "5"), ("agreement_id", 1.5), ("agreement_id", True),
    ("agreement_id", 2**70), ("agreement_id", -1), ("agreement_id", None),
    ("event_date", "18.11.2026"), ("event_date", "2026-02-30"), ("event_date", 20261118),
    ("event_date", "2026-11-18T10:00:00"), ("consequence", "catastrophic"),
    ("consequence", None), ("description", None), ("description", ["a"]),
    ("description", "x" * 10_001), ("patient_identity", "Ola"), ("draft", "maybe"),
    ("surprise", 1),
])
def test_bad_input_is_a_422_on_the_field(client, world, reporter_auth, field, value):
    body = report_body(world, **{field: value})
    assert field in errors_of(client.post(URL, json=body, headers=reporter_auth))
    assert report_count() == 0


@pytest.mark.parametrize("payload", ["[]", '"text"', "null", "123"])
def test_a_body_that_is_not_an_object_is_a_422(client, reporter_auth, payload):
    response = client.post(URL, data=payload, content_type="application/json",
                           headers=reporter_auth)
    assert response.status_code == 422


@pytest.mark.parametrize("payload", ["{nope", b"\xff\xfe{", "[" * 100_000 + "]" * 100_000])
def test_malformed_json_is_a_400_not_a_500(client, reporter_auth, payload):
    response = client.post(URL, data=payload, content_type="application/json",
                           headers=reporter_auth)
    assert response.status_code == 400 and response.get_json()["errors"]["json"]


def test_a_form_instead_of_json_is_a_415(client, reporter_auth):
    response = client.post(URL, data={"description": "x"}, headers=reporter_auth)
    assert response.status_code == 415 and response.headers["Accept-Post"] == "application/json"


@pytest.mark.clock
def test_rules_of_the_service_answer_per_field(client, world, reporter_auth, clock):
    tomorrow = (clock.today + timedelta(days=1)).isoformat()
    body = report_body(world, event_date=tomorrow, discovered_date=None,
                       category_id=world.admission_only.id, receiving_unit_id=world.ward.id,
                       reporting_unit_id=world.ward.id, consequence="death",
                       potential_consequence="none")
    errors = errors_of(client.post(URL, json=body, headers=reporter_auth))
    assert {"event_date", "reporting_unit_id"} <= set(errors)
    body = report_body(world, category_id=world.admission_only.id,
                       receiving_unit_id=world.home_care.id, consequence="death",
                       potential_consequence="none", receiving_organization_id=2**31 - 1)
    errors = errors_of(client.post(URL, json=body, headers=reporter_auth))
    assert {"category_id", "receiving_organization_id", "receiving_unit_id",
            "potential_consequence"} <= set(errors)


def test_a_blank_description_fails_the_submission_and_nothing_is_saved(client, world,
                                                                      reporter_auth):
    errors = errors_of(client.post(URL, json=report_body(world, description="   \n "),
                                   headers=reporter_auth))
    assert list(errors) == ["description"]
    assert report_count() == 0


def test_text_is_stored_as_text_without_controls(client, world, reporter_auth):
    """Markup and quotes are text (escaped where shown); controls and direction
    overrides are removed (avvik.core.text), so no page shows them."""
    text = "<script>alert(1)</script> \x01\x07\x1b[31m rød \u202e tekst\x00slutt ' OR 1=1 --"
    response = client.post(URL, json=report_body(world, description=text, suggestion=None),
                           headers=reporter_auth)
    assert response.status_code == 201, response.get_json()
    case = response.get_json()
    assert case["description"] == "<script>alert(1)</script> [31m rød  tekstslutt ' OR 1=1 --"
    assert case["suggestion"] == ""
    assert db.session.get(Report, case["id"]).description == case["description"]


def test_broken_unicode_is_refused_not_a_500(client, world, reporter_auth):
    raw = json.dumps(report_body(world, description="PLACEHOLDER"))
    raw = raw.replace("PLACEHOLDER", "\\ud800 halv")
    response = client.post(URL, data=raw, content_type="application/json",
                           headers=reporter_auth)
    assert "description" in errors_of(response)
