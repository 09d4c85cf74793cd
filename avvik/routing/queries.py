"""Read side of routing rules: the rules routing may use, the administration list, choices."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_
from sqlalchemy.orm import joinedload

from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.catalog.queries import agreement_order
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity, Organization, Unit
from avvik.organizations.queries import unit_paths
from avvik.routing.models import RoutingRule

PER_PAGE = 50

Choices = list[tuple[int, str]]


def usable_rules(organization_id: int) -> Sequence[RoutingRule]:
    """The rules routing may use for ``organization_id``: active, with an active target
    unit, oldest first (the oldest of equally specific rules wins)."""
    return db.session.scalars(
        db.select(RoutingRule)
        .join(Unit, RoutingRule.target_unit_id == Unit.id)
        .where(RoutingRule.is_active, Unit.is_active,
               RoutingRule.receiving_organization_id == organization_id)
        .order_by(RoutingRule.id)
    ).all()


def rules_page(*, page: int, organization_id: int | None = None) -> Pagination:
    """Rules for the administration list, active first, grouped by organisation."""
    query = (
        db.select(RoutingRule)
        .join(RoutingRule.receiving_organization)
        .options(joinedload(RoutingRule.receiving_organization),
                 joinedload(RoutingRule.agreement),
                 joinedload(RoutingRule.transition).joinedload(Transition.phase),
                 joinedload(RoutingRule.category), joinedload(RoutingRule.target_unit))
        .order_by(Organization.name, RoutingRule.is_active.desc(), RoutingRule.name,
                  RoutingRule.id)
    )
    if organization_id is not None:
        query = query.where(RoutingRule.receiving_organization_id == organization_id)
    return db.paginate(query, page=page, per_page=PER_PAGE, error_out=False)


def organizations() -> Sequence[Organization]:
    """Every organisation that can receive cases, for the list's filter."""
    return db.session.scalars(
        db.select(Organization).join(Organization.health_community)
        .order_by(HealthCommunity.name, Organization.name)
    ).all()


def _label(text: str, is_active: bool) -> str:
    return text if is_active else f"{text} ({_l('inactive')})"


def agreement_choices(community_id: int, keep: int | None = None) -> Choices:
    """Active agreements of the community, plus ``keep`` (the current value) if inactive:
    an edit form shows what the rule has; the service decides what may be saved."""
    rows = db.session.scalars(db.select(Agreement).where(
        Agreement.health_community_id == community_id,
        or_(Agreement.is_active, Agreement.id == (keep or -1))))
    return [(a.id, _label(f"{a.number} {a.title}", a.is_active))
            for a in sorted(rows, key=agreement_order)]


def transition_choices(community_id: int, keep: int | None = None) -> Choices:
    rows = db.session.scalars(
        db.select(Transition).join(Transition.phase)
        .where(Phase.health_community_id == community_id,
               or_(Transition.is_active & Phase.is_active, Transition.id == (keep or -1)))
        .order_by(Phase.sort_order, Phase.code, Transition.sort_order, Transition.code))
    return [(t.id, _label(f"{t.phase.code} {t.code} {t.name}",
                          t.is_active and t.phase.is_active)) for t in rows]


def category_choices(community_id: int, keep: int | None = None) -> Choices:
    rows = db.session.scalars(
        db.select(Category).where(Category.health_community_id == community_id,
                                  or_(Category.is_active, Category.id == (keep or -1)))
        .order_by(Category.sort_order, Category.code))
    every_phase = _l("all phases")
    return [(c.id, _label(f"{c.code} {c.name} ({c.phase.code if c.phase else every_phase})",
                          c.is_active)) for c in rows]


def unit_choices(organization: Organization, keep: int | None = None) -> Choices:
    """The organisation's active units as "Clinic / Ward", plus ``keep`` if inactive."""
    units = db.session.scalars(db.select(Unit).where(
        Unit.organization_id == organization.id)).all()
    paths = unit_paths(list(units))
    return sorted(((u.id, _label(paths[u.id], u.is_active)) for u in units
                   if u.is_active or u.id == keep), key=lambda choice: choice[1].lower())
