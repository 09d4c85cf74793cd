"""``GET /api/v1/catalog``: what the caller may choose, in the issue's exact shape."""

from __future__ import annotations

from avvik.extensions import db
from tests.api.conftest import bearer
from tests.factories import (
    make_agreement,
    make_category,
    make_health_community,
    make_organization,
    make_phase,
    make_transition,
    make_unit,
)


def test_the_catalog_has_the_documented_shape(client, world, reporter_auth):
    body = client.get("/api/v1/catalog", headers=reporter_auth).get_json()
    assert {"organizations", "agreements", "transitions", "categories"} <= set(body)
    org = next(o for o in body["organizations"] if o["id"] == world.hospital.id)
    assert {"id", "name", "kind", "units"} <= set(org)
    assert org["name"] == "Testvik sykehus HF" and org["kind"] == "helseforetak"
    ward = next(u for u in org["units"] if u["id"] == world.ward.id)
    assert ward == {"id": world.ward.id, "name": "Medisinsk sengepost",
                    "parent_id": world.clinic.id}
    assert body["agreements"] == [{"id": world.agreement.id, "number": "5",
                                   "title": "Utskrivningsklare pasienter"}]
    discharge = next(t for t in body["transitions"] if t["id"] == world.discharge.id)
    assert {k: discharge[k] for k in ("id", "code", "name", "phase")} == {
        "id": world.discharge.id, "code": "C1", "name": "Epikrise", "phase": "C"}
    categories = {c["code"]: c for c in body["categories"]}
    assert categories["LM"]["phase"] == "C" and categories["ANNET"]["phase"] is None
    assert {k: categories["LM"][k] for k in ("id", "code", "name")} == {
        "id": world.medication.id, "code": "LM", "name": "Legemiddelliste mangler"}
    assert body["my_units"] == [{"id": world.home_care_district.id,
                                 "name": "Hjemmetjenesten sone nord",
                                 "organization_id": world.kommune.id, "roles": ["reporter"]}]


def test_the_catalog_holds_only_active_rows_of_the_callers_community(client, world,
                                                                    reporter_auth):
    # Inactive rows in the caller's community ...
    make_organization("Nedlagt kommune", health_community=world.kommune.health_community,
                      is_active=False)
    make_unit("Nedlagt post", parent=world.clinic, is_active=False)
    make_agreement("99", health_community=world.kommune.health_community, is_active=False)
    make_transition("C9", phase=world.discharge.phase, is_active=False)
    make_category("GAMMEL", health_community=world.kommune.health_community,
                  is_active=False)
    closed_phase = make_phase("Z", health_community=world.kommune.health_community,
                              is_active=False)
    make_transition("Z1", phase=closed_phase)
    make_category("ZK", phase=closed_phase)
    # ... and everything of another community.
    elsewhere = make_health_community("Et annet fellesskap")
    make_organization("Fjernby kommune", health_community=elsewhere)
    make_agreement("1", health_community=elsewhere)
    make_transition("X1", phase=make_phase("X", health_community=elsewhere))
    make_category("FJERN", health_community=elsewhere)
    db.session.commit()

    body = client.get("/api/v1/catalog", headers=reporter_auth).get_json()
    assert {o["name"] for o in body["organizations"]} == {
        "Testvik kommune", "Testvik sykehus HF", "Annenby kommune"}
    units = [u["name"] for o in body["organizations"] for u in o["units"]]
    assert "Nedlagt post" not in units and "Medisinsk sengepost" in units
    assert [a["number"] for a in body["agreements"]] == ["5"]
    assert {t["code"] for t in body["transitions"]} == {"C1", "A1"}
    assert {c["code"] for c in body["categories"]} == {"LM", "ANNET", "INN"}


def test_a_user_without_memberships_gets_an_empty_catalog(client, world):
    body = client.get("/api/v1/catalog", headers=bearer(world.admin)).get_json()
    assert body["organizations"] == body["agreements"] == body["categories"] == []
