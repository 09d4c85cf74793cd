"""Cases written straight into the table with known fields: fast, and every count known.

The services are proved in tests/reports; here only the numbers matter.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

from avvik.core.timeutil import OSLO
from avvik.core.workdays import working_days_between
from avvik.extensions import db
from avvik.organizations.models import OrganizationKind, Unit
from avvik.reports.models import Consequence, Direction, Report, ReportStatus
from tests.reports.world import World

_numbers = itertools.count(1)


def direction_of(sender: OrganizationKind, receiver: OrganizationKind) -> Direction:
    if (sender, receiver) == (OrganizationKind.MUNICIPALITY, OrganizationKind.HOSPITAL_TRUST):
        return Direction.MUNICIPALITY_TO_HOSPITAL
    if (sender, receiver) == (OrganizationKind.HOSPITAL_TRUST, OrganizationKind.MUNICIPALITY):
        return Direction.HOSPITAL_TO_MUNICIPALITY
    return Direction.OTHER


def make_case(world: World, *, event_date: date = date(2026, 1, 15),
              status: ReportStatus = ReportStatus.ROUTED,
              reporting_unit: Unit | None = None, receiving_unit: Unit | None = None,
              responsible: bool = True, **fields: object) -> Report:
    """A case from ``reporting_unit`` (the home-care district) to ``receiving_unit``'s
    organisation (the hospital's ward), responsible unit ``receiving_unit`` unless
    ``responsible`` is False; any Report field can be given in ``fields``."""
    reporting_unit = reporting_unit or world.home_care_district
    receiving_unit = receiving_unit or world.ward
    sender, receiver = reporting_unit.organization, receiving_unit.organization
    values: dict[str, object] = dict(
        case_number=None if status == ReportStatus.DRAFT else f"SA-T-{next(_numbers):06d}",
        status=status, reporter_id=world.reporter.id, reporting_unit_id=reporting_unit.id,
        reporting_organization_id=sender.id, receiving_organization_id=receiver.id,
        responsible_unit_id=receiving_unit.id if responsible else None,
        direction=direction_of(sender.kind, receiver.kind),
        agreement_id=world.agreement.id, transition_id=world.discharge.id,
        category_id=world.medication.id, event_date=event_date,
        consequence=Consequence.MINOR, potential_consequence=Consequence.MODERATE,
        description="Fiktiv beskrivelse.",
    )
    values.update(fields)
    # The working days the services store when a case is acknowledged and answered.
    for end, days in (("acknowledged_at", "acknowledge_working_days"),
                      ("answered_at", "answer_working_days")):
        if values.get("routed_at") and values.get(end) and days not in values:
            values[days] = working_days_between(values["routed_at"], values[end])
    report = Report(**values)
    db.session.add(report)
    db.session.flush()
    return report


def oslo(*args: int) -> datetime:
    """A moment in Oslo time: oslo(2026, 4, 1, 10) is 1 April 2026 10:00 Oslo."""
    return datetime(*args, tzinfo=OSLO)
