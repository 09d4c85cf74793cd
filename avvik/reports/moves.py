"""Where a case went, for someone who sent it away and may no longer read it.

A forward or a redirect (avvik/reports/services/disputes.py) can take a case out of the
sender's reach. Their next look at it (the page after the step, a reload, a link in an
e-mail) says where it is now instead of "not found"; nothing of the case's content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from avvik.reports import scope
from avvik.reports.models import Report
from avvik.users.models import User

#: Timeline events that move a case away from those who had it.
MOVES = ("forwarded", "declined")


@dataclass(frozen=True)
class Moved:
    case_number: str
    kind: str  #: "forwarded" or "declined"
    at: datetime
    #: Where the case is now: the responsible unit, else the receiving organisation.
    unit: str
    organization: str


def moved_notice(user: User, report: Report) -> Moved | None:
    """What ``user`` may learn of a case they sent away, or None if they never had it."""
    reach = None
    for event in reversed(report.events):
        if event.kind not in MOVES:
            continue
        data = event.data or {}
        if event.actor_id != user.id:
            reach = reach or scope.reach_of(user)
            if (data.get("from_unit_id") not in reach.handled_units
                    and data.get("from_organization_id") not in reach.coordinated_orgs):
                continue
        unit = report.responsible_unit
        organization = report.receiving_organization
        return Moved(report.case_number or "", event.kind, event.created_at,
                     unit.name if unit else "", organization.name if organization else "")
    return None
