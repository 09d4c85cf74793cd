"""What a synthetic case is about (CaseSpec), and who staffs the units (Staffing)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from avvik.demo.catalog import CategoryDef
from avvik.demo.people import People
from avvik.demo.rules import Router
from avvik.demo.structure import Community, OrgRef, UnitRef
from avvik.organizations.models import OrganizationKind
from avvik.reports.models import Consequence, Direction, ReportStatus

#: How often a hospital department is the reporter or the named receiver.
DEPARTMENT_WEIGHTS = {
    "Indremedisinsk avdeling": 3.0, "Geriatrisk avdeling": 2.5, "Lungemedisinsk avdeling": 1.5,
    "Hjerteavdelingen": 1.5, "Ortopedisk avdeling": 2.0, "Gastrokirurgisk avdeling": 1.2,
    "Urologisk avdeling": 0.8, "Akuttmottaket": 1.5, "Intensivavdelingen": 0.3,
    # Children's and maternity cases mostly reach these wards through their own rules.
    "Barneavdelingen": 0.05, "Føde- og barselavdelingen": 0.05,
    # Habilitation and rehabilitation cases mostly reach these through their own rules.
    "Avdeling for fysikalsk medisin og rehabilitering": 0.2,
    "Habiliteringstjenesten for barn og unge": 0.05,
}


@dataclass
class CaseSpec:
    category: CategoryDef
    phase: str
    agreement_id: int
    transition_id: int
    category_id: int
    answer_days: int
    direction: Direction
    reporting_org: OrgRef
    reporting_unit: UnitRef
    reporter_id: int
    receiving_org: OrgRef
    receiving_unit_id: int | None
    consequence: Consequence
    potential_consequence: Consequence
    event_date: date
    discovered_date: date | None
    #: When the reporter pressed "send" (or last touched a draft).
    moment: datetime
    #: normal, draft or withdrawn
    fate: str = "normal"
    #: A showcase case stops at this status whatever the dice say.
    stop: ReportStatus | None = None

    def base_row(self) -> dict[str, Any]:
        """Every column of a Report row, so that one bulk INSERT takes them all."""
        return {
            "case_number": None, "status": ReportStatus.DRAFT, "reporter_id": self.reporter_id,
            "reporting_unit_id": self.reporting_unit.id,
            "reporting_organization_id": self.reporting_org.id,
            "receiving_organization_id": self.receiving_org.id,
            "receiving_unit_id": self.receiving_unit_id, "responsible_unit_id": None,
            "routing_rule_id": None, "routing_basis": None, "direction": self.direction,
            "agreement_id": self.agreement_id, "transition_id": self.transition_id,
            "category_id": self.category_id, "event_date": self.event_date,
            "discovered_date": self.discovered_date, "description": "",
            "immediate_measures": "", "suggestion": "", "consequence": self.consequence,
            "potential_consequence": self.potential_consequence,
            "created_at": self.moment, "updated_at": self.moment, "submitted_at": None,
            "approved_at": None, "approved_by_id": None, "routed_at": None,
            "acknowledge_due_at": None, "acknowledged_at": None, "answer_due_at": None,
            "acknowledge_working_days": None, "answer_working_days": None,
            "reminder_sent_at": None, "answered_at": None, "answered_by_id": None,
            "answer_cause": None, "answer_measures": None, "answer_delivered_at": None,
            "closed_at": None, "reopen_count": 0, "reopen_reason": None, "withdrawn_at": None,
            "redirect_count": 0,
            "escalation_level": 0, "escalated_at": None, "identity_deleted_at": None,
            "version": 1,
        }


class Staffing:
    """Answers "who does this step" for the cases of one history."""

    def __init__(self, c: Community, people: People, router: Router, seed: int) -> None:
        rng = random.Random(f"{seed}-staffing")
        self.community = c
        self.people = people
        self.router = router
        self.rng = rng
        self.units = c.units()
        # Some units answer faster than others; the dashboards should show it.
        self._slowness = {unit_id: rng.uniform(0.6, 1.3) for unit_id in sorted(self.units)}

    def slowness(self, unit_id: int | None) -> float:
        return self._slowness.get(unit_id, 1.2) if unit_id is not None else 1.2

    def leader_above(self, unit_id: int) -> int:
        """The leader of the unit, or of the nearest unit above it that has one."""
        unit: UnitRef | None = self.units[unit_id]
        while unit is not None:
            if unit.id in self.people.leaders:
                return self.people.leaders[unit.id]
            unit = self.units.get(unit.parent_id) if unit.parent_id else None
        raise LookupError(f"no leader above unit {unit_id}")

    def approver(self, unit_id: int) -> int:
        return self.leader_above(unit_id)

    def coordinator(self, organization_id: int) -> int:
        return self.people.coordinators[organization_id][0]

    def handler(self, unit_id: int | None, organization_id: int) -> int:
        if unit_id is None:
            return self.coordinator(organization_id)
        candidates = [*self.people.handlers.get(unit_id, ()), self.leader_above(unit_id)]
        return self.rng.choice(candidates)

    def likely_unit(self, spec: CaseSpec) -> int:
        """Where a coordinator would send a case that no rule caught."""
        org = spec.receiving_org
        coordinating = org.tagged("coordinating")
        if spec.category.group == "coordination" and coordinating:
            return coordinating[0].id
        if org.kind is OrganizationKind.HOSPITAL_TRUST:
            return pick_department(self.rng, org, spec.phase).id
        if org.kind is OrganizationKind.MUNICIPALITY:
            tag = "allocation" if spec.phase in ("B", "C") else "district"
            return self.rng.choice(org.tagged(tag)).id
        wards = org.tagged("rehab_ward")
        return self.rng.choice(wards).id if wards else org.top.id


def pick_department(rng: random.Random, hospital: OrgRef, phase: str) -> UnitRef:
    departments = hospital.tagged("department")
    weights = [DEPARTMENT_WEIGHTS.get(d.name, 1.0) * (5 if phase == "A" and
                                                       d.name == "Akuttmottaket" else 1)
               for d in departments]
    return rng.choices(departments, weights=weights)[0]
