"""The filter form's choices: what a viewer's dashboards can be narrowed to.

The choices come from the health communities the viewer works in (every community for
administrators), inactive rows included: last year's statistics may well count a
category that has since been retired. One query per kind, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true

from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.catalog.queries import agreement_order
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.users.models import User

Choices = list[tuple[str, str]]


@dataclass(frozen=True)
class FilterChoices:
    organizations: Choices
    units: Choices  #: "Organisation: unit", grouped by organisation in name order
    agreements: Choices
    transitions: Choices
    categories: Choices


def communities_of(user: User) -> set[int]:
    """The health communities ``user`` works in, through any membership."""
    return {m.unit.organization.health_community_id for m in user.memberships}


def filter_choices(user: User) -> FilterChoices:
    """The values the viewer may pick in each filter, as (query value, label) pairs."""
    communities = None if user.is_admin else communities_of(user)

    def within(column: ColumnElement[int]) -> ColumnElement[bool]:
        return true() if communities is None else column.in_(communities)

    organizations = db.session.execute(
        select(Organization.id, Organization.name)
        .where(within(Organization.health_community_id)).order_by(Organization.name)
    ).all()
    units = db.session.execute(
        select(Unit.id, Organization.name + ": " + Unit.name).join(Unit.organization)
        .where(within(Organization.health_community_id))
        .order_by(Organization.name, Unit.name)
    ).all()
    agreements = sorted(db.session.execute(
        select(Agreement).where(within(Agreement.health_community_id))).scalars(),
        key=agreement_order)
    transitions = db.session.execute(
        select(Transition.id, Transition.code + " " + Transition.name).join(Phase)
        .where(within(Phase.health_community_id)).order_by(Transition.code, Transition.name)
    ).all()
    categories = db.session.execute(
        select(Category.id, Category.name).where(within(Category.health_community_id))
        .order_by(Category.name)
    ).all()
    return FilterChoices(
        organizations=_pairs(organizations), units=_pairs(units),
        agreements=[(str(a.id), f"{a.number} {a.title}") for a in agreements],
        transitions=_pairs(transitions), categories=_pairs(categories))


def _pairs(rows: list) -> Choices:
    return [(str(key), label) for key, label in rows]
