"""The demo community's organisations, catalog, rules and people."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from avvik.auth.passwords import verify_password
from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.demo.people import DEMO_PASSWORD
from avvik.demo.services import DemoSummary, load_demo_data
from avvik.extensions import db
from avvik.organizations.models import Organization, OrganizationKind, Unit
from avvik.reports.models import Report, ReportStatus
from avvik.routing.models import RoutingRule
from avvik.users.models import Membership, Role, User
from tests.demo.clock import NOW

K = OrganizationKind


@pytest.fixture
def demo(db_session: object) -> DemoSummary:
    return load_demo_data(now=NOW, history_size=40)


def _units(org: Organization) -> list[Unit]:
    return db.session.scalars(select(Unit).where(Unit.organization_id == org.id)).all()


def _children(units: list[Unit], parent: Unit) -> list[Unit]:
    return [u for u in units if u.parent_id == parent.id]


def _top(units: list[Unit]) -> Unit:
    (top,) = [u for u in units if u.parent_id is None]
    return top


def _orgs(kind: OrganizationKind) -> list[Organization]:
    return db.session.scalars(select(Organization).where(Organization.kind == kind)).all()


def test_community_has_a_hospital_trust_municipalities_gp_offices_and_a_private_institution(
        demo: DemoSummary) -> None:
    kinds = Counter(db.session.scalars(select(Organization.kind)).all())
    assert kinds[K.HOSPITAL_TRUST] == 1
    assert kinds[K.MUNICIPALITY] >= 4
    assert kinds[K.GP_OFFICE] >= 2
    assert kinds[K.PRIVATE_INSTITUTION] >= 1
    assert demo.organizations == kinds


def test_hospital_tree_goes_from_trust_to_clinics_to_departments(demo: DemoSummary) -> None:
    (hospital,) = _orgs(K.HOSPITAL_TRUST)
    units = _units(hospital)
    clinics = _children(units, _top(units))
    departments = [d for clinic in clinics for d in _children(units, clinic)]
    assert len(clinics) >= 2
    assert len(departments) >= 6
    assert all(_children(units, clinic) for clinic in clinics)


def test_every_municipality_has_home_care_districts_nursing_homes_emergency_and_allocation(
        demo: DemoSummary) -> None:
    municipalities = _orgs(K.MUNICIPALITY)
    assert len(municipalities) >= 4
    for municipality in municipalities:
        units = _units(municipality)
        (sector,) = _children(units, _top(units))
        services = _children(units, sector)
        names = " | ".join(u.name.lower() for u in services)
        home_care = [u for u in services if u.name == "Hjemmetjenesten"]
        assert home_care and len(_children(units, home_care[0])) >= 2, municipality.name
        assert "sykehjem" in names or "omsorgssenter" in names or "helsetun" in names
        assert "legevakt" in names
        assert "tildelingskontor" in names or "forvaltningskontor" in names


def test_catalog_has_the_11_agreements_of_the_law_local_ones_and_phases_a_to_e(
        demo: DemoSummary) -> None:
    agreements = db.session.scalars(select(Agreement)).all()
    statutory = [a for a in agreements if a.legal_point is not None]
    assert sorted(a.legal_point for a in statutory) == list(range(1, 12))
    local = [a for a in agreements if a.legal_point is None]
    assert local and all(a.number.startswith("L") and a.title.startswith("Lokal delavtale")
                         for a in local)
    assert {a.acknowledge_days for a in agreements} == {2}
    answer_days = Counter(a.answer_days for a in agreements)
    assert answer_days.most_common(1)[0][0] == 15 and len(answer_days) > 1
    phases = db.session.scalars(select(Phase).order_by(Phase.sort_order)).all()
    assert [p.code for p in phases] == ["A", "B", "C", "D", "E"]
    assert [p.name for p in phases] == ["Innleggelse", "Opphold i sykehus", "Utskrivning",
                                        "Opphold i kommunen", "Behandlingsrelatert"]
    transitions = db.session.scalars(select(Transition.name)).all()
    for fragment in ("Utskrivningsklar", "Epikrise", "Legemiddelsamstemming", "Poliklinisk",
                     "PLO", "Hjelpemidler"):
        assert any(fragment in name for name in transitions), fragment
    categories = db.session.scalars(select(Category)).all()
    assert {c.phase_id for c in categories if c.phase_id} == {p.id for p in phases}
    shared = {c.name for c in categories if c.phase_id is None}
    assert {"Annet", "Forbedringsforslag"} <= shared
    assert any("God fangst" in name for name in shared)


def test_routing_rules_send_medication_to_a_ward_and_discharge_to_allocation_offices(
        demo: DemoSummary) -> None:
    rules = db.session.scalars(select(RoutingRule)).all()
    (hospital,) = _orgs(K.HOSPITAL_TRUST)
    medication = [r for r in rules if r.receiving_organization_id == hospital.id
                  and r.category is not None and "Legemiddel" in r.category.name]
    assert medication and medication[0].target_unit.parent.parent_id is not None
    for municipality in _orgs(K.MUNICIPALITY):
        own = [r for r in rules if r.receiving_organization_id == municipality.id]
        assert len(own) >= 3
        assert any(r.transition is not None and r.transition.code == "C1"
                   and r.target_unit.name in ("Tildelingskontoret", "Forvaltningskontoret")
                   for r in own), municipality.name


def test_every_unit_a_rule_routes_to_has_a_leader_and_every_organisation_a_coordinator(
        demo: DemoSummary) -> None:
    led = set(db.session.scalars(
        select(Membership.unit_id).where(Membership.role == Role.LEADER)).all())
    targets = set(db.session.scalars(select(RoutingRule.target_unit_id)).all())
    assert targets and targets <= led
    assert set(db.session.scalars(select(Unit.id)).all()) <= led
    coordinated = set(db.session.scalars(
        select(Unit.organization_id).join(Membership, Membership.unit_id == Unit.id)
        .where(Membership.role == Role.COORDINATOR)).all())
    assert coordinated == set(db.session.scalars(select(Organization.id)).all())


NAMED = {
    "melder.kommune": (Role.REPORTER, K.MUNICIPALITY),
    "melder.sykehus": (Role.REPORTER, K.HOSPITAL_TRUST),
    "leder.kommune": (Role.LEADER, K.MUNICIPALITY),
    "leder.sykehus": (Role.LEADER, K.HOSPITAL_TRUST),
    "koordinator.kommune": (Role.COORDINATOR, K.MUNICIPALITY),
    "koordinator.sykehus": (Role.COORDINATOR, K.HOSPITAL_TRUST),
    "kvalitet": (Role.QUALITY_ADVISER, K.HOSPITAL_TRUST),
    "sekretariat": (Role.SECRETARIAT, K.HOSPITAL_TRUST),
    "utvalg": (Role.COMMITTEE_MEMBER, K.MUNICIPALITY),
    "melder.annen": (Role.REPORTER, K.MUNICIPALITY),
}


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def test_named_users_have_their_roles_names_and_the_shared_password(
        demo: DemoSummary) -> None:
    for username, (role, kind) in NAMED.items():
        user = _user(username)
        assert any(m.role == role and m.unit.organization.kind == kind
                   for m in user.memberships), username
        assert user.email.endswith("@example.no") and " " in user.full_name
        assert verify_password(user.password_hash, DEMO_PASSWORD), username
    admin = _user("admin")
    assert admin.is_admin and verify_password(admin.password_hash, DEMO_PASSWORD)
    assert {u for u, _ in demo.logins} == {*NAMED, "admin"}


def test_leaders_lead_the_units_of_their_reporters(demo: DemoSummary) -> None:
    def unit_of(username: str, role: Role) -> Unit:
        return next(m.unit for m in _user(username).memberships if m.role == role)

    assert unit_of("leder.kommune", Role.LEADER) == unit_of("melder.kommune", Role.REPORTER)
    assert unit_of("leder.sykehus", Role.LEADER) == unit_of("melder.sykehus", Role.REPORTER)
    assert unit_of("leder.sykehus", Role.HANDLER) == unit_of("melder.sykehus", Role.REPORTER)
    coordinator_unit = unit_of("koordinator.kommune", Role.COORDINATOR)
    assert coordinator_unit.parent_id is None
    assert coordinator_unit.organization == unit_of("melder.kommune",
                                                    Role.REPORTER).organization


def test_melder_annen_belongs_to_another_municipality_than_melder_kommune(
        demo: DemoSummary) -> None:
    first = _user("melder.kommune").memberships[0].unit.organization
    other = _user("melder.annen").memberships[0].unit.organization
    assert other.kind == first.kind == K.MUNICIPALITY
    assert other.id != first.id


def test_all_users_share_one_password_hash_and_have_unique_names(demo: DemoSummary) -> None:
    users = db.session.scalars(select(User)).all()
    assert len({u.password_hash for u in users}) == 1
    assert len({u.email for u in users}) == len(users) == demo.users


def test_the_case_services_can_take_a_showcase_case_further(demo: DemoSummary) -> None:
    from avvik.reports.services import acknowledge_report

    leader = _user("leder.sykehus")
    ward = next(m.unit for m in leader.memberships if m.role == Role.HANDLER)
    report = db.session.scalars(select(Report).where(
        Report.status == ReportStatus.ROUTED, Report.responsible_unit_id == ward.id)).first()
    assert report is not None
    acknowledge_report(leader, report, now=NOW)
    assert report.status == ReportStatus.ACKNOWLEDGED and report.version == 2


def _fingerprint(seed: int) -> list[tuple]:
    """Load a small history in a savepoint, describe it by names and times, roll back."""
    savepoint = db.session.begin_nested()
    load_demo_data(now=NOW, seed=seed, history_size=80)
    rows = db.session.execute(
        select(Report.case_number, Report.status, User.username, Category.code,
               Report.created_at, Report.submitted_at, Report.answered_at, Report.description)
        .join(User, User.id == Report.reporter_id)
        .join(Category, Category.id == Report.category_id)
        .order_by(Report.created_at, Report.case_number)).all()
    savepoint.rollback()
    return [tuple(row) for row in rows]


def test_same_seed_and_now_give_the_same_history_and_another_seed_does_not(
        db_session: object) -> None:
    first = _fingerprint(2026)
    assert len(first) == 80
    assert _fingerprint(2026) == first
    assert _fingerprint(7) != first
