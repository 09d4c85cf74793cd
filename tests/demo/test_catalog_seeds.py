"""The demo catalogue speaks the seed texts: § 6-2 has points 1 to 11, every agreement has
categories, the seed topics have categories, and the koordinerende enhet is a unit that
reports and receives."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from avvik.catalog.models import Agreement, Category, Transition
from avvik.demo.catalog import AGREEMENTS, LAST_LEGAL_POINT
from avvik.demo.categories import CATEGORIES, GENERIC
from avvik.demo.services import DemoSummary, load_demo_data
from avvik.extensions import db
from avvik.organizations.models import Organization, OrganizationKind, Unit
from avvik.reports.models import Consequence
from avvik.reports.services import create_draft, submit_report
from avvik.reports.services.validation import ReportInput
from avvik.routing.models import RoutingRule
from avvik.routing.services import route_report
from avvik.users.models import Membership, Role, User
from tests.demo.clock import NOW

#: What the seed texts name, as a reporter would look for it among the categories.
SEED_TOPICS = ("individuell plan (IP)", "koordinator", "koordinerende enhet", "habilitering",
               "rehabilitering", "lærings- og mestringstilbud")


@pytest.fixture
def demo(db_session: object) -> DemoSummary:
    return load_demo_data(now=NOW, history_size=0)


def test_every_agreement_is_the_main_one_of_a_category_of_its_own() -> None:
    specific = [cat for cat in CATEGORIES if cat.code not in GENERIC]
    numbers = [number for number, *_rest in AGREEMENTS]
    assert {cat.main_agreement for cat in specific} == set(numbers)
    for cat in CATEGORIES:
        assert cat.agreements and set(cat.agreements) <= set(numbers), cat.code


def test_no_agreement_claims_a_point_of_section_6_2_beyond_11(demo: DemoSummary) -> None:
    agreements = db.session.scalars(select(Agreement)).all()
    points = [a.legal_point for a in agreements if a.legal_point is not None]
    assert sorted(points) == list(range(1, LAST_LEGAL_POINT + 1)) == list(range(1, 12))
    local = [a for a in agreements if a.legal_point is None]
    assert len(local) >= 2
    for agreement in local:
        assert agreement.number.startswith("L"), agreement.number
        assert agreement.title.startswith("Lokal delavtale: "), agreement.title
    titles = " | ".join(a.title for a in local)
    assert "Felles planlegging" in titles and "Barn og unge" in titles


def test_the_seed_topics_have_categories_and_transitions(demo: DemoSummary) -> None:
    names = [name.lower() for name in db.session.scalars(select(Category.name))]
    for topic in SEED_TOPICS:
        assert any(topic.lower() in name for name in names), topic
    transitions = [t.lower() for t in db.session.scalars(select(Transition.name))]
    assert any("individuell plan" in t and "koordinerende enhet" in t for t in transitions)
    assert any("lærings- og mestringstilbud" in t for t in transitions)


def _coordinating_units() -> list[Unit]:
    return db.session.scalars(select(Unit).where(Unit.name.startswith("Koordinerende enhet"))
                              ).all()


def test_the_hospital_and_every_municipality_have_a_koordinerende_enhet_that_reports_and_receives(
        demo: DemoSummary) -> None:
    units = _coordinating_units()
    owners = {u.organization.kind for u in units}
    municipalities = db.session.scalars(select(Organization).where(
        Organization.kind == OrganizationKind.MUNICIPALITY)).all()
    assert owners == {OrganizationKind.HOSPITAL_TRUST, OrganizationKind.MUNICIPALITY}
    assert {u.organization_id for u in units} >= {m.id for m in municipalities}
    targets = set(db.session.scalars(select(RoutingRule.target_unit_id)))
    for unit in units:
        roles = set(db.session.scalars(select(Membership.role).where(
            Membership.unit_id == unit.id)))
        assert {Role.REPORTER, Role.HANDLER, Role.LEADER} <= roles, unit.name
        assert unit.id in targets, unit.name


def test_a_case_about_an_individual_plan_goes_from_one_koordinerende_enhet_to_the_other(
        demo: DemoSummary) -> None:
    units = _coordinating_units()
    (hospital_ke,) = [u for u in units
                      if u.organization.kind == OrganizationKind.HOSPITAL_TRUST]
    municipal_ke = next(u for u in units
                        if u.organization.kind == OrganizationKind.MUNICIPALITY)
    reporter = db.session.scalars(select(User).join(Membership).where(
        Membership.unit_id == municipal_ke.id, Membership.role == Role.REPORTER)).first()

    def row(model, code):
        return db.session.scalars(select(model).filter_by(code=code)).one()

    report = create_draft(reporter, ReportInput(
        reporting_unit_id=municipal_ke.id,
        receiving_organization_id=hospital_ke.organization_id,
        agreement_id=db.session.scalars(select(Agreement).filter_by(number="2")).one().id,
        transition_id=row(Transition, "D4").id,
        category_id=row(Category, "D-INDIVIDUELL-PLAN").id,
        event_date=date(2026, 3, 10), description="Planarbeidet stoppet opp.",
        consequence=Consequence.NONE, potential_consequence=Consequence.MINOR), now=NOW)
    submit_report(reporter, report, now=NOW)
    assert route_report(report, now=NOW)
    assert report.responsible_unit_id == hospital_ke.id
    assert report.routing_basis == "rule"
