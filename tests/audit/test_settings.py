"""Administrators' changes of settings are on the trail: what changed, by whom."""

from __future__ import annotations

from datetime import date

from flask import Flask

from avvik.catalog import services as catalog
from avvik.committee.services import add_meeting
from avvik.organizations import services as organizations
from avvik.routing.admin import RuleValues, create_rule, deactivate_rule, update_rule
from tests.audit.conftest import entries, facts
from tests.factories import make_health_community, make_organization, make_unit, make_user


def test_a_health_communitys_deadlines_and_committee_name_are_recorded(app: Flask,
                                                                        db_session):
    admin = make_user("admin.anne", is_admin=True)
    with app.test_request_context():
        community = organizations.create_health_community(admin, name="Fjordby")
        organizations.update_health_community(admin, community, name="Fjordby",
                                              committee_name="OSU", serious_answer_days=4)
        organizations.update_health_community(admin, community, name="Fjordby",
                                              committee_name="OSU", serious_answer_days=4)
        organizations.deactivate_health_community(admin, community)
    assert [facts(e) for e in entries()] == [
        ("health_community.created", admin.id, "health_community", community.id, {}),
        ("health_community.updated", admin.id, "health_community", community.id,
         {"changed": ["committee_name", "serious_answer_days"]}),
        ("health_community.deactivated", admin.id, "health_community", community.id, {}),
    ]


def test_organisations_and_units_are_recorded(app: Flask, db_session):
    admin, community = make_user("admin.anne", is_admin=True), make_health_community()
    with app.test_request_context():
        kommune = organizations.create_organization(
            admin, name="Fjordby kommune", kind="kommune",
            health_community_id=community.id)
        organizations.update_organization(
            admin, kommune, name="Fjordby kommune", kind="kommune",
            health_community_id=community.id, is_approval_required=True)
        top = organizations.create_unit(admin, kommune, name="Helse og omsorg")
        ward = organizations.create_unit(admin, kommune, name="Hjemmetjenesten")
        organizations.update_unit(admin, ward, name="Hjemmetjenesten", parent_id=top.id)
        organizations.deactivate_unit(admin, ward)
        organizations.reactivate_unit(admin, ward)
    assert [facts(e) for e in entries()] == [
        ("organization.created", admin.id, "organization", kommune.id, {}),
        ("organization.updated", admin.id, "organization", kommune.id,
         {"changed": ["is_approval_required"]}),
        ("unit.created", admin.id, "unit", top.id, {"organization_id": kommune.id}),
        ("unit.created", admin.id, "unit", ward.id, {"organization_id": kommune.id}),
        ("unit.updated", admin.id, "unit", ward.id, {"changed": ["parent"]}),
        ("unit.deactivated", admin.id, "unit", ward.id, {}),
        ("unit.reactivated", admin.id, "unit", ward.id, {}),
    ]


def test_the_catalogue_is_recorded(app: Flask, db_session):
    admin, community = make_user("admin.anne", is_admin=True), make_health_community()
    with app.test_request_context():
        agreement = catalog.create_agreement(admin, community, number="5", title="Utskrivning")
        catalog.update_agreement(admin, agreement, number="5", title="Utskrivning",
                                 legal_point=5, acknowledge_days=2, answer_days=10)
        catalog.set_agreement_active(admin, agreement, False)
        phase = catalog.create_phase(admin, community, code="C", name="Utskrivning")
        transition = catalog.create_transition(admin, community, phase_id=phase.id,
                                               code="C1", name="Epikrise")
        category = catalog.create_category(admin, community, code="M", name="Legemidler")
        catalog.update_category(admin, category, code="M", name="Legemiddelliste",
                                phase_id=phase.id, sort_order=0)
    assert [facts(e) for e in entries()] == [
        ("agreement.created", admin.id, "agreement", agreement.id, {}),
        ("agreement.updated", admin.id, "agreement", agreement.id,
         {"changed": ["answer_days", "legal_point"]}),
        ("agreement.deactivated", admin.id, "agreement", agreement.id, {}),
        ("phase.created", admin.id, "phase", phase.id, {}),
        ("transition.created", admin.id, "transition", transition.id, {}),
        ("category.created", admin.id, "category", category.id, {}),
        ("category.updated", admin.id, "category", category.id,
         {"changed": ["name", "phase"]}),
    ]


def test_routing_rules_and_committee_meetings_are_recorded(app: Flask, db_session):
    admin, hospital = make_user("admin.anne", is_admin=True), make_organization()
    ward, other = make_unit(organization=hospital), make_unit(organization=hospital)
    with app.test_request_context():
        rule = create_rule(admin, hospital, RuleValues("Alt til sengeposten", ward.id))
        update_rule(admin, rule, RuleValues("Alt til sengeposten", other.id))
        deactivate_rule(admin, rule)
        meeting = add_meeting(admin, hospital.health_community_id, date(2027, 1, 14),
                              "Januarmøtet")
    assert [facts(e) for e in entries()] == [
        ("routing_rule.created", admin.id, "routing_rule", rule.id, {}),
        ("routing_rule.updated", admin.id, "routing_rule", rule.id,
         {"changed": ["target_unit_id"]}),
        ("routing_rule.deactivated", admin.id, "routing_rule", rule.id, {}),
        ("meeting.created", admin.id, "meeting", meeting.id,
         {"health_community_id": hospital.health_community_id, "held_on": "2027-01-14"}),
    ]
