"""The demo's disputes about responsibility, made by the real services
(avvik/reports/services/disputes.py): a case redirected to another municipality, a case
with a joint answer asked of a GP office or private institution, and a case thrown back
and forth until it went on the joint committee's agenda.

Cases the named demo users reported are left alone: the showcase cases
(avvik/demo/history.py) must stay in the state the walk-through describes, to be taken
further by hand.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from avvik.demo.people import People
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.organizations.models import Organization, OrganizationKind
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services import decline_report
from avvik.routing.services import route_report
from avvik.users.models import User

REASONS = {
    "other": "Pasienten bor i nabokommunen og fikk tjenestene der; oppfølgingen er deres.",
    "joint": "Samsone: både sykehuset og fastlegen har ansvar for legemiddellisten her.",
    "back": "Hjemmetjenesten fikk epikrisen i tide; avviket gjelder kommunens egen rutine.",
    "again": "Epikrisen kom ikke fra sykehuset; vi ber samarbeidsutvalget avklare ansvaret.",
}


def dispute_demo_cases(people: People, *, now: datetime) -> int:
    """Decline three open cases to the hospital; returns how many were declined."""
    named = [people.user_ids[username] for username, _what in people.logins]
    cases = db.session.scalars(
        select(Report).join(Organization, Organization.id == Report.receiving_organization_id)
        .where(Report.status.in_((ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED)),
               Organization.kind == OrganizationKind.HOSPITAL_TRUST,
               Report.reporter_id.is_(None) | Report.reporter_id.not_in(named))
        .order_by(Report.routed_at.desc(), Report.id).limit(3)).all()
    organizations = db.session.scalars(select(Organization).order_by(Organization.id)).all()
    done = 0
    for report, how in zip(cases, ("other", "joint", "back"), strict=False):
        actor = _coordinator(report.receiving_organization_id)
        target = _target(organizations, report, how)
        if actor is None or target is None:
            continue
        proposal = {"other": "other_organization", "joint": "joint_answer",
                    "back": "reporting_side"}[how]
        decline_report(actor, report, REASONS[how], proposal, target.id, now=now)
        route_report(report, now=now)
        done += 1
        if how == "back":  # the reporting side declines it too: the committee decides
            actor = _coordinator(report.receiving_organization_id)
            if actor is not None:
                decline_report(actor, report, REASONS["again"], "other_organization",
                               _hospital(organizations).id, now=now)
    db.session.flush()
    return done


def _coordinator(organization_id: int | None) -> User | None:
    people = recipients.coordinators(organization_id) if organization_id else []
    return people[0] if people else None


def _hospital(organizations: list[Organization]) -> Organization:
    return next(o for o in organizations if o.kind == OrganizationKind.HOSPITAL_TRUST)


def _target(organizations: list[Organization], report: Report, how: str
            ) -> Organization | None:
    if how == "back":
        return report.reporting_organization
    kinds = ((OrganizationKind.MUNICIPALITY,) if how == "other" else
             (OrganizationKind.GP_OFFICE, OrganizationKind.PRIVATE_INSTITUTION))
    return next((o for o in organizations if o.kind in kinds and o.is_active
                 and o.id not in (report.reporting_organization_id,
                                  report.receiving_organization_id)), None)
