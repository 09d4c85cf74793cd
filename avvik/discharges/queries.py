"""The read side of discharges: the units a user may register, and their latest figures."""

from __future__ import annotations

from sqlalchemy import select

from avvik.discharges.models import DischargeCount
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.users.models import Role, User

#: Registrations the page lists, the latest months first.
LISTED = 60


def registrable_units(user: User) -> list[tuple[int, str]]:
    """(id, "Organisation: unit") of the active units ``user`` may register."""
    statement = (select(Unit.id, Organization.name, Unit.name).join(Unit.organization)
                 .where(Unit.is_active).order_by(Organization.name, Unit.name))
    if not user.is_admin:
        led = {m.unit_id for m in user.memberships if m.role == Role.LEADER}
        advised = {m.unit.organization_id for m in user.memberships
                   if m.role == Role.QUALITY_ADVISER}
        statement = statement.where(Unit.id.in_(led) | Unit.organization_id.in_(advised))
    return [(unit_id, f"{org}: {name}") for unit_id, org, name in db.session.execute(statement)]


def latest(unit_ids: list[int]) -> list[DischargeCount]:
    if not unit_ids:
        return []
    return list(db.session.scalars(
        select(DischargeCount).where(DischargeCount.unit_id.in_(unit_ids))
        .order_by(DischargeCount.month.desc(), DischargeCount.unit_id).limit(LISTED)))
