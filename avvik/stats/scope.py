"""Whose cases a user's dashboards count.

Aggregates may count cases the user could not open one by one (that is the point of the
secretariat), but never outside the user's health community:

- leaders: the units they lead and every unit below, as reporting unit or as
  responsible (receiving) unit;
- coordinators and quality advisers: their whole organisation, as reporting or
  receiving organisation;
- the joint committee's secretariat: every organisation of its health community, on
  either side (aggregates only: case lists stay with ``avvik.reports.scope``);
- administrators: everything.

Reporters and handlers have no dashboards: ``stats_scope`` is false for them.
A user with several memberships gets the union.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select, true

from avvik.extensions import db
from avvik.organizations.models import Organization
from avvik.reports.models import Report
from avvik.reports.scope import descendants
from avvik.users.models import Role, User

#: The roles that have dashboards (administrators have them too).
STATS_ROLES = (Role.LEADER, Role.COORDINATOR, Role.QUALITY_ADVISER, Role.SECRETARIAT)


@dataclass(frozen=True)
class StatsReach:
    everything: bool
    organizations: frozenset[int]  #: counted on either side, whole organisations
    units: frozenset[int]  #: counted as reporting or responsible unit (subtrees expanded)


def may_view_stats(user: User) -> bool:
    """Whether ``user`` has dashboards at all (views answer 403 otherwise)."""
    return bool(user.is_admin or user.has_role(*STATS_ROLES))


def stats_reach(user: User) -> StatsReach:
    if user.is_admin:
        return StatsReach(True, frozenset(), frozenset())
    organizations = {m.unit.organization_id for m in user.memberships
                     if m.role in (Role.COORDINATOR, Role.QUALITY_ADVISER)}
    communities = {m.unit.organization.health_community_id for m in user.memberships
                   if m.role == Role.SECRETARIAT}
    if communities:
        organizations |= set(db.session.execute(
            select(Organization.id).where(Organization.health_community_id.in_(communities))
        ).scalars())
    led = descendants(m.unit_id for m in user.memberships if m.role == Role.LEADER)
    return StatsReach(False, frozenset(organizations), frozenset(led))


def stats_scope(user: User) -> ColumnElement[bool]:
    """One SQL condition over Report: the cases ``user``'s aggregates may count.

    It does not exclude drafts and the like; ``avvik.stats.queries.base.selection``
    adds that and the filter.
    """
    reach = stats_reach(user)
    if reach.everything:
        return true()
    conditions = []
    if reach.organizations:
        conditions += [Report.reporting_organization_id.in_(reach.organizations),
                       Report.receiving_organization_id.in_(reach.organizations)]
    if reach.units:
        conditions += [Report.reporting_unit_id.in_(reach.units),
                       Report.responsible_unit_id.in_(reach.units)]
    return or_(*conditions) if conditions else false()


def own_organizations(user: User) -> frozenset[int]:
    """The organisations ``user`` belongs to (any role): their rows are never suppressed."""
    return frozenset(m.unit.organization_id for m in user.memberships)
