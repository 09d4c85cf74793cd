"""``GET /api/v1/catalog``: what the caller may choose when filing a report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from avvik.api.auth import api_user
from avvik.api.blueprint import bp
from avvik.api.schemas import CatalogOut
from avvik.catalog.models import Category
from avvik.catalog.queries import active_agreements, active_phases, active_transitions
from avvik.extensions import db
from avvik.organizations.models import Organization
from avvik.users.models import User


def communities_of(user: User) -> list[int]:
    """The health communities the user works in, through their memberships."""
    return sorted({m.unit.organization.health_community_id for m in user.memberships})


def catalog_for(user: User) -> dict[str, Any]:
    """Active organisations, units, agreements, transitions and categories of the
    user's health communities."""
    out: dict[str, Any] = {"organizations": [], "agreements": [], "transitions": [],
                           "categories": []}
    for community_id in communities_of(user):
        out["organizations"] += [
            {"id": o.id, "name": o.name, "kind": o.kind,
             "is_patient_identity_wanted": o.is_patient_identity_wanted,
             "units": sorted((u for u in o.units if u.is_active), key=lambda u: u.id)}
            for o in _active_organizations(community_id)]
        out["agreements"] += active_agreements(community_id)
        phases = {p.id: p.code for p in active_phases(community_id)}
        out["transitions"] += [_phased(t, t.phase_id, phases)
                               for t in active_transitions(community_id)]
        out["categories"] += [_phased(c, c.phase_id, phases)
                              for c in _active_categories(community_id, list(phases))]
    out["my_units"] = _my_units(user)
    return out


def _phased(row: Any, phase_id: int | None, phases: dict[int, str]) -> dict[str, Any]:
    return {"id": row.id, "code": row.code, "name": row.name, "phase_id": phase_id,
            "phase": phases.get(phase_id) if phase_id is not None else None}


def _active_organizations(community_id: int) -> list[Organization]:
    return list(db.session.scalars(
        select(Organization).filter_by(health_community_id=community_id, is_active=True)
        .options(selectinload(Organization.units)).order_by(Organization.name)))


def _active_categories(community_id: int, phase_ids: list[int]) -> list[Category]:
    # A category of an inactive phase is not offered: the phase hides what it holds.
    return list(db.session.scalars(
        select(Category).where(
            Category.health_community_id == community_id, Category.is_active,
            or_(Category.phase_id.is_(None), Category.phase_id.in_(phase_ids)))
        .order_by(Category.sort_order, Category.code)))


def _my_units(user: User) -> list[dict[str, Any]]:
    units: dict[int, dict[str, Any]] = {}
    for m in sorted(user.memberships, key=lambda m: m.unit_id):
        if m.unit.is_active:
            entry = units.setdefault(m.unit_id, {
                "id": m.unit_id, "name": m.unit.name,
                "organization_id": m.unit.organization_id, "roles": []})
            entry["roles"].append(m.role.value)
    return list(units.values())


@bp.route("/catalog", methods=["GET"], tags=["catalog"])
@bp.response(200, CatalogOut)
@bp.alt_response(401, response="UNAUTHORIZED")
def catalog() -> dict[str, Any]:
    """What the caller may use: organisations and units, agreements, transitions,
    categories of their health community (active ones only)."""
    return catalog_for(api_user())
