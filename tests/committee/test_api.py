"""The agenda through the API: the secretariat and members list and read it; no one else."""

from __future__ import annotations

import pytest

from avvik.committee.models import AgendaSource
from avvik.committee.services import place_on_agenda
from avvik.extensions import db
from avvik.reports.vault import store_identity
from tests.api.conftest import bearer


@pytest.fixture
def item(world, case):
    placed = place_on_agenda(case, reason="Uenige om ansvaret.", source=AgendaSource.FLAGGED,
                             actor=world.kommune_coordinator)
    store_identity(case, "Kari Nordmann", "15076500565")
    db.session.flush()
    return placed


def test_the_secretariat_lists_and_reads_its_agenda(client, secretary, item, case):
    headers = bearer(secretary)
    listed = client.get("/api/v1/committee/agenda", headers=headers)
    assert listed.status_code == 200
    [row] = listed.json["items"]
    assert (row["id"], row["source"], row["status"], row["committee_name"]) == (
        item.id, "flagged", "open", "Samarbeidsutvalget")
    assert row["case"]["case_number"] == case.case_number
    one = client.get(f"/api/v1/committee/agenda/{item.id}", headers=headers)
    assert one.status_code == 200
    body = one.get_data(as_text=True)
    assert "Pasienten kom hjem uten legemiddelliste." in body
    assert "Kari Nordmann" not in body and "15076500565" not in body
    assert "committee_placed" in [e["kind"] for e in one.json["timeline"]]
    closed = client.get("/api/v1/committee/agenda?status=closed", headers=headers)
    assert closed.json["items"] == []


def test_a_member_reads_too(client, member, item):
    assert client.get(f"/api/v1/committee/agenda/{item.id}",
                      headers=bearer(member)).status_code == 200


def test_others_are_refused(client, world, item):
    for user in (world.reporter, world.hospital_coordinator):
        headers = bearer(user)
        assert client.get("/api/v1/committee/agenda", headers=headers).status_code == 403
        assert client.get(f"/api/v1/committee/agenda/{item.id}",
                          headers=headers).status_code == 403
    assert client.get("/api/v1/committee/agenda").status_code == 401


def test_another_communitys_secretariat_does_not_see_it(client, item):
    from avvik.users.models import Role
    from tests.factories import make_health_community, make_organization, make_unit, make_user

    elsewhere = make_unit("Annet HF", organization=make_organization(
        "Annet HF", health_community=make_health_community("Et annet fellesskap")))
    stranger = make_user("fremmed", roles=[(Role.SECRETARIAT, elsewhere)])
    headers = bearer(stranger)
    assert client.get("/api/v1/committee/agenda", headers=headers).json["items"] == []
    assert client.get(f"/api/v1/committee/agenda/{item.id}",
                      headers=headers).status_code == 404


def test_a_coordinator_flags_a_case_through_the_api(client, world, case, secretary):
    response = client.post(f"/api/v1/reports/{case.id}/flag", json={"reason": "Uenige."},
                           headers=bearer(world.hospital_coordinator))
    assert response.status_code == 201
    again = client.post(f"/api/v1/reports/{case.id}/flag", json={"reason": "Igjen."},
                        headers=bearer(world.kommune_coordinator))
    assert again.status_code == 409
    assert "agenda already" in again.get_data(as_text=True)
    refused = client.post(f"/api/v1/reports/{case.id}/flag", json={"reason": "Uenige."},
                          headers=bearer(world.ward_handler))
    assert refused.status_code == 403
