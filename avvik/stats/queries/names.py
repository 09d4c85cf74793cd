"""The names of the rows an aggregate found, fetched in one small query per kind."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from avvik.catalog.models import Agreement, Category, Transition
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit

#: A responsible unit and its receiving organisation; the unit is None for the cases
#: with the coordinators (or not routed yet).
UnitKey = tuple[int | None, int | None]


def agreement_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Agreement.id, Agreement.number, Agreement.title).where(Agreement.id.in_(ids)))
    return {i: f"{number} {title}" for i, number, title in rows}


def transition_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(
        select(Transition.id, Transition.code, Transition.name)
        .where(Transition.id.in_(ids)))
    return {i: f"{code} {name}" for i, code, name in rows}


def category_names(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(
        select(Category.id, Category.name).where(Category.id.in_(ids))).all())


def organization_names(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())


def unit_labels(keys: set[UnitKey]) -> dict[UnitKey, str]:
    """ "Organisation: unit", unambiguous where organisations have units of one name."""
    unit_ids = {unit for unit, _ in keys if unit is not None}
    units = dict(db.session.execute(
        select(Unit.id, Organization.name + ": " + Unit.name).join(Unit.organization)
        .where(Unit.id.in_(unit_ids))
    ).all())
    organizations = organization_names({org for _, org in keys if org is not None})
    nobody = str(_l("no unit (with the coordinators)"))
    return {(unit, org): units.get(unit, "") if unit is not None
            else f"{organizations.get(org, '')}: {nobody}" for unit, org in keys}
