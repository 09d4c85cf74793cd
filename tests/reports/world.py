"""A small health community with people on both sides, for the case tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from avvik.catalog.models import Agreement, Category, Transition
from avvik.organizations.models import Organization, OrganizationKind, Unit
from avvik.reports.models import Consequence, Report
from avvik.reports.services import ReportInput, create_draft, submit_report
from avvik.routing.models import RoutingRule
from avvik.routing.services import route_report
from avvik.users.models import Role, User
from tests.factories import (
    make_agreement,
    make_category,
    make_health_community,
    make_organization,
    make_phase,
    make_transition,
    make_unit,
    make_user,
)

#: The event of every case unless a test says otherwise: a fixed day, in the past on any
#: day the suite runs, so that a test needs no clock unless it is about "today".
EVENT_DAY = date(2026, 11, 18)


@dataclass
class World:
    kommune: Organization
    hospital: Organization
    other_kommune: Organization
    home_care: Unit
    home_care_district: Unit
    clinic: Unit
    ward: Unit
    other_ward: Unit
    agreement: Agreement
    discharge: Transition
    admission: Transition
    medication: Category
    other: Category
    admission_only: Category
    reporter: User
    kommune_leader: User
    kommune_coordinator: User
    ward_handler: User
    ward_leader: User
    clinic_leader: User
    hospital_coordinator: User
    other_ward_handler: User
    outsider: User
    admin: User
    rule: RoutingRule

    def report_input(self, **overrides: object) -> ReportInput:
        values = dict(
            reporting_unit_id=self.home_care_district.id,
            receiving_organization_id=self.hospital.id,
            agreement_id=self.agreement.id, transition_id=self.discharge.id,
            category_id=self.medication.id, event_date=EVENT_DAY,
            discovered_date=EVENT_DAY + timedelta(days=1),
            description="Pasienten kom hjem uten legemiddelliste.",
            consequence=Consequence.MINOR, potential_consequence=Consequence.MODERATE,
        )
        values.update(overrides)
        return ReportInput(**values)

    def routed_case(self, now: datetime | None = None, **overrides: object) -> Report:
        """A case the reporter filed and routing sent on (at ``now``)."""
        report = create_draft(self.reporter, self.report_input(**overrides))
        submit_report(self.reporter, report)
        assert route_report(report, now=now)
        return report


def build_world() -> World:
    from avvik.extensions import db

    community = make_health_community("Helsefellesskap Test")
    kommune = make_organization("Testvik kommune", health_community=community)
    hospital = make_organization("Testvik sykehus HF", kind=OrganizationKind.HOSPITAL_TRUST,
                                 health_community=community)
    other_kommune = make_organization("Annenby kommune", health_community=community)
    kommune_top = make_unit("Testvik kommune", organization=kommune)
    home_care = make_unit("Hjemmetjenesten", parent=kommune_top)
    district = make_unit("Hjemmetjenesten sone nord", parent=home_care)
    hospital_top = make_unit("Testvik sykehus", organization=hospital)
    clinic = make_unit("Medisinsk klinikk", parent=hospital_top)
    ward = make_unit("Medisinsk sengepost", parent=clinic)
    other_ward = make_unit("Kirurgisk sengepost", parent=clinic)
    other_top = make_unit("Annenby kommune", organization=other_kommune)

    agreement = make_agreement("5", title="Utskrivningsklare pasienter",
                               health_community=community, legal_point=5)
    phase_c = make_phase("C", name="Utskrivning", health_community=community)
    phase_a = make_phase("A", name="Innleggelse", health_community=community)
    discharge = make_transition("C1", name="Epikrise", phase=phase_c)
    admission = make_transition("A1", name="Innleggelsesrapport", phase=phase_a)
    medication = make_category("LM", name="Legemiddelliste mangler", phase=phase_c)
    other = make_category("ANNET", name="Annet", health_community=community)
    admission_only = make_category("INN", name="Mangler i innleggelse", phase=phase_a)
    rule = RoutingRule(name="Legemidler til medisinsk sengepost",
                       receiving_organization=hospital, category=medication, target_unit=ward)
    db.session.add(rule)
    db.session.flush()

    return World(
        kommune=kommune, hospital=hospital, other_kommune=other_kommune,
        home_care=home_care, home_care_district=district, clinic=clinic, ward=ward,
        other_ward=other_ward, agreement=agreement, discharge=discharge, admission=admission,
        medication=medication, other=other, admission_only=admission_only,
        reporter=make_user("melder", roles=[(Role.REPORTER, district)]),
        kommune_leader=make_user("kleder", roles=[(Role.LEADER, home_care)]),
        kommune_coordinator=make_user("kkoord", roles=[(Role.COORDINATOR, kommune_top)]),
        ward_handler=make_user("handler", roles=[(Role.HANDLER, ward)]),
        ward_leader=make_user("wleder", roles=[(Role.LEADER, ward)]),
        clinic_leader=make_user("cleder", roles=[(Role.LEADER, clinic)]),
        hospital_coordinator=make_user("hkoord", roles=[(Role.COORDINATOR, hospital_top)]),
        other_ward_handler=make_user("ohandler", roles=[(Role.HANDLER, other_ward)]),
        outsider=make_user("utenfor", roles=[(Role.REPORTER, other_top)]),
        admin=make_user("sysadmin", is_admin=True),
        rule=rule,
    )
