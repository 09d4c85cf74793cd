"""Finding the people to tell: unit staff, the nearest leaders, coordinators, secretariat."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.users.models import Membership, Role, User


def people_in(unit_ids: Iterable[int], roles: Iterable[Role]) -> list[User]:
    """Active users holding one of ``roles`` in one of the units, each once, by id."""
    unit_ids, roles = list(unit_ids), list(roles)
    if not unit_ids:
        return []
    return list(db.session.execute(
        select(User).join(Membership)
        .where(Membership.unit_id.in_(unit_ids), Membership.role.in_(roles), User.is_active)
        .distinct().order_by(User.id)
    ).scalars())


def nearest_leaders(unit: Unit | None) -> list[User]:
    """The leaders of ``unit``, or of the first unit above it that has any."""
    while unit is not None:
        leaders = people_in([unit.id], [Role.LEADER])
        if leaders:
            return leaders
        unit = unit.parent
    return []


def coordinators(organization_id: int) -> list[User]:
    units = select(Unit.id).where(Unit.organization_id == organization_id)
    return list(db.session.execute(
        select(User).join(Membership)
        .where(Membership.unit_id.in_(units), Membership.role == Role.COORDINATOR,
               User.is_active)
        .distinct().order_by(User.id)
    ).scalars())


def secretariat(health_community_id: int) -> list[User]:
    units = select(Unit.id).join(Organization).where(
        Organization.health_community_id == health_community_id)
    return list(db.session.execute(
        select(User).join(Membership)
        .where(Membership.unit_id.in_(units), Membership.role == Role.SECRETARIAT,
               User.is_active)
        .distinct().order_by(User.id)
    ).scalars())


def responsible_people(unit: Unit | None, organization_id: int) -> list[User]:
    """Leaders and handlers of the responsible unit; the coordinators when there are none."""
    people = people_in([unit.id], [Role.LEADER, Role.HANDLER]) if unit else []
    return people or coordinators(organization_id)
