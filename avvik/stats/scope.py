"""Whose cases a user's dashboards count.

Aggregates may count cases the user could not open one by one (that is the point of the
secretariat), but never outside the user's health community:

- leaders: the units they lead and every unit below, as reporting unit or as
  responsible (receiving) unit;
- coordinators and quality advisers: their whole organisation, as reporting or
  receiving organisation;
- the joint committee's secretariat: every organisation of its health community, on
  either side (the cases it may open one by one are ``avvik.reports.scope``'s: those on
  its committee's agenda, or all of them when ``SECRETARIAT_READS`` is "community");
- administrators: everything.

Reporters and handlers have no dashboards: their reach is empty, so they count nothing.
A user with several memberships gets the union. ``avvik.stats.queries.base`` turns the
reach into SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, select

from avvik.core.db import run
from avvik.core.sql import dialect_name, in_ids
from avvik.organizations.models import Organization
from avvik.reports.scope import descendants
from avvik.users.models import Role, User

#: The roles that have dashboards (administrators have them too).
STATS_ROLES = (Role.LEADER, Role.COORDINATOR, Role.QUALITY_ADVISER, Role.SECRETARIAT)


# Built once per dialect: every table of every page resolves a scope, and building,
# hashing and compiling a statement each time costs more than running these tiny ones.
@lru_cache(maxsize=4)
def _community_organizations(dialect: str) -> Select[Any]:
    return select(Organization.id).where(
        in_ids(Organization.health_community_id, "communities", dialect))


@dataclass(frozen=True)
class StatsReach:
    everything: bool
    organizations: frozenset[int]  #: counted on either side, whole organisations
    units: frozenset[int]  #: counted as reporting or responsible unit (subtrees expanded)


def may_view_stats(user: User) -> bool:
    """Whether ``user`` has dashboards at all (views answer 403 otherwise)."""
    return bool(user.is_admin or user.has_role(*STATS_ROLES))


def stats_reach(user: User, dialect: str | None = None) -> StatsReach:
    """The organisations and units whose cases ``user``'s aggregates count (``dialect``:
    the database's, when the caller knows it already)."""
    if user.is_admin:
        return StatsReach(True, frozenset(), frozenset())
    organizations = {m.unit.organization_id for m in user.memberships
                     if m.role in (Role.COORDINATOR, Role.QUALITY_ADVISER)}
    communities = {m.unit.organization.health_community_id for m in user.memberships
                   if m.role == Role.SECRETARIAT}
    dialect = dialect or dialect_name()
    if communities:
        # .all(): the rows in one fetch (iterating fetches them one by one).
        organizations.update(row[0] for row in run(
            _community_organizations(dialect), {"communities": list(communities)}).all())
    led = descendants(m.unit_id for m in user.memberships if m.role == Role.LEADER)
    return StatsReach(False, frozenset(organizations), frozenset(led))


def own_organizations(user: User) -> frozenset[int]:
    """The organisations ``user`` belongs to (any role): their rows are never suppressed."""
    return frozenset(m.unit.organization_id for m in user.memberships)
