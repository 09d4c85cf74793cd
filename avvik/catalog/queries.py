"""Read side of the reference data: what administrators list, what reporters may choose."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import or_

from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity

_LEADING_NUMBER = re.compile(r"(\d*)(.*)", re.DOTALL)


def agreement_order(agreement: Agreement) -> tuple[int, str]:
    """Numbers are text ("5a", "12"): sort 2 < 5a < 5b < 12, then local ones ("L1")."""
    digits, rest = _LEADING_NUMBER.match(agreement.number).groups()
    return (int(digits) if digits else 10**9, rest.lower())


# Administration: every row, active or not -------------------------------------------------


def health_communities() -> Sequence[HealthCommunity]:
    return db.session.scalars(db.select(HealthCommunity).order_by(HealthCommunity.name)).all()


def all_agreements(community_id: int) -> list[Agreement]:
    # A community has tens of agreements: sorting them here is simpler than in SQL.
    rows = db.session.scalars(db.select(Agreement).filter_by(health_community_id=community_id))
    return sorted(rows, key=agreement_order)


def all_phases(community_id: int) -> Sequence[Phase]:
    return db.session.scalars(
        db.select(Phase).filter_by(health_community_id=community_id)
        .order_by(Phase.sort_order, Phase.code)
    ).all()


def all_transitions(community_id: int) -> Sequence[Transition]:
    return db.session.scalars(
        db.select(Transition).join(Transition.phase)
        .where(Phase.health_community_id == community_id)
        .order_by(Phase.sort_order, Phase.code, Transition.sort_order, Transition.code)
    ).all()


def all_categories(community_id: int) -> Sequence[Category]:
    return db.session.scalars(
        db.select(Category).filter_by(health_community_id=community_id)
        .order_by(Category.sort_order, Category.code)
    ).all()


# What a reporter may choose: active rows only ----------------------------------------------


def active_agreements(community_id: int) -> list[Agreement]:
    """The agreements a reporter in ``community_id`` may choose, in number order."""
    rows = db.session.scalars(
        db.select(Agreement).filter_by(health_community_id=community_id, is_active=True))
    return sorted(rows, key=agreement_order)


def active_phases(community_id: int) -> Sequence[Phase]:
    """The phases a reporter may choose."""
    return db.session.scalars(
        db.select(Phase).filter_by(health_community_id=community_id, is_active=True)
        .order_by(Phase.sort_order, Phase.code)
    ).all()


def active_transitions(community_id: int, phase_id: int | None = None
                       ) -> Sequence[Transition]:
    """Active transitions under active phases, optionally of one phase only.

    A transition under an inactive phase is not offered: the phase hides what it holds.
    """
    query = (
        db.select(Transition).join(Transition.phase)
        .where(Phase.health_community_id == community_id, Phase.is_active,
               Transition.is_active)
        .order_by(Phase.sort_order, Phase.code, Transition.sort_order, Transition.code)
    )
    if phase_id is not None:
        query = query.where(Transition.phase_id == phase_id)
    return db.session.scalars(query).all()


def categories_for_phase(community_id: int, phase_id: int | None) -> Sequence[Category]:
    """Active categories offered in ``phase_id``: its own plus those for every phase.

    With ``phase_id`` None (no phase chosen yet) only the every-phase categories come back.
    """
    query = (
        db.select(Category)
        .where(Category.health_community_id == community_id, Category.is_active,
               or_(Category.phase_id.is_(None), Category.phase_id == phase_id))
        .order_by(Category.sort_order, Category.code)
    )
    return db.session.scalars(query).all()
