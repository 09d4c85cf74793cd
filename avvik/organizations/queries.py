"""Read side of the organisation registry: lists, choices and the unit tree."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload

from avvik.core.errors import NotFound
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity, Organization, Unit
from avvik.users.models import Membership, Role, User

PER_PAGE = 25


T = TypeVar("T")


def get_or_404(model: type[T], row_id: int) -> T:
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound()
    return row


def communities_page(*, page: int) -> Pagination:
    query = db.select(HealthCommunity).order_by(
        HealthCommunity.is_active.desc(), HealthCommunity.name)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def organizations_page(*, page: int, text: str = "") -> Pagination:
    """Organisations, active first, filtered on name, organisation number or community."""
    query = (db.select(Organization).join(Organization.health_community)
             .options(joinedload(Organization.health_community))
             .order_by(Organization.is_active.desc(), HealthCommunity.name,
                       Organization.name))
    if text := text.strip():
        pattern = f"%{text.lower()}%"
        query = query.where(or_(func.lower(Organization.name).like(pattern),
                                Organization.org_number.like(pattern.replace(" ", "")),
                                func.lower(HealthCommunity.name).like(pattern)))
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def community_choices(current: HealthCommunity | None = None) -> list[tuple[int, str]]:
    """Active communities, plus the current one so an edit form can keep it."""
    communities = db.session.scalars(db.select(HealthCommunity).where(
        or_(HealthCommunity.is_active, HealthCommunity.id == (current.id if current else -1))
    ).order_by(HealthCommunity.name))
    return [(c.id, c.name) for c in communities]


@dataclass
class TreeNode:
    unit: Unit
    path: str
    leaders: list[User] = field(default_factory=list)
    children: list[TreeNode] = field(default_factory=list)


def unit_tree(organization: Organization) -> list[TreeNode]:
    """The organisation's units as a forest of nodes, each with its leaders (two queries)."""
    units = db.session.scalars(db.select(Unit).where(
        Unit.organization_id == organization.id).order_by(Unit.name)).all()
    paths = unit_paths(units)
    nodes = {unit.id: TreeNode(unit, paths[unit.id]) for unit in units}
    for membership in db.session.scalars(
            db.select(Membership).join(Membership.user)
            .where(Membership.unit_id.in_(nodes), Membership.role == Role.LEADER)
            .options(joinedload(Membership.user)).order_by(User.full_name)):
        nodes[membership.unit_id].leaders.append(membership.user)
    roots: list[TreeNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[unit.id])
    return roots


def unit_paths(units: list[Unit]) -> dict[int, str]:
    """ "Clinic / Department / Ward" for each unit, from one list of the organisation's units."""
    by_id = {unit.id: unit for unit in units}
    paths: dict[int, str] = {}
    for unit in units:
        names, node, seen = [], unit, set()
        while node is not None and node.id not in seen:
            seen.add(node.id)
            names.append(node.name)
            node = by_id.get(node.parent_id) if node.parent_id is not None else None
        paths[unit.id] = " / ".join(reversed(names))
    return paths


def unit_path(unit: Unit) -> str:
    return " / ".join(u.name for u in [*reversed(unit.ancestors()), unit])


def parent_choices(organization: Organization, unit: Unit | None = None
                   ) -> list[tuple[int, str]]:
    """Where a unit may go: active units of its organisation outside its own subtree.
    The current parent stays listed even if deactivated, so saving a rename works."""
    units = db.session.scalars(db.select(Unit).where(
        Unit.organization_id == organization.id)).all()
    paths = unit_paths(units)
    excluded = _subtree_ids(unit, units) if unit is not None else set()
    current = unit.parent_id if unit is not None else None
    return sorted(((u.id, paths[u.id]) for u in units
                   if u.id not in excluded and (u.is_active or u.id == current)),
                  key=lambda choice: choice[1].lower())


def _subtree_ids(unit: Unit, units: list[Unit]) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for u in units:
        children.setdefault(u.parent_id, []).append(u.id)
    found, todo = set(), [unit.id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children.get(current, []))
    return found


def leader_memberships(unit: Unit) -> list[Membership]:
    return list(db.session.scalars(
        db.select(Membership).join(Membership.user)
        .where(Membership.unit_id == unit.id, Membership.role == Role.LEADER)
        .options(joinedload(Membership.user)).order_by(User.full_name)))
