"""Read side of users: the filtered list, a user's memberships, units to choose from."""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload

from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.organizations.queries import unit_paths
from avvik.users.models import Membership, User

PER_PAGE = 25
STATUSES = ("", "active", "inactive")


def users_page(*, page: int, text: str = "", status: str = "") -> Pagination:
    """Users by name; ``text`` matches user name, name or e-mail, ``status`` the flag."""
    # Not the organisations' service accounts: their tokens are on the integrations page.
    query = (db.select(User).where(User.service_organization_id.is_(None))
             .order_by(func.lower(User.full_name), User.username))
    if text := text.strip().lower():
        pattern = f"%{text}%"
        query = query.where(or_(func.lower(User.username).like(pattern),
                                func.lower(User.full_name).like(pattern),
                                func.lower(User.email).like(pattern)))
    if status in ("active", "inactive"):
        query = query.where(User.is_active == (status == "active"))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def memberships_of(user: User) -> list[Membership]:
    return list(db.session.scalars(
        db.select(Membership).join(Membership.unit).join(Unit.organization)
        .where(Membership.user_id == user.id)
        .options(joinedload(Membership.unit).joinedload(Unit.organization))
        .order_by(Organization.name, Unit.name, Membership.role)))


def unit_choices() -> dict[str, list[tuple[int, str]]]:
    """Active units of active organisations, grouped by organisation, shown by path."""
    units = db.session.scalars(
        db.select(Unit).join(Unit.organization).where(Organization.is_active)
        .options(joinedload(Unit.organization))).all()
    paths = unit_paths(list(units))
    groups: dict[str, list[tuple[int, str]]] = {}
    for unit in sorted(units, key=lambda u: (u.organization.name, paths[u.id].lower())):
        if unit.is_active:
            groups.setdefault(unit.organization.name, []).append((unit.id, paths[unit.id]))
    return groups
