"""Routing rules keyed on receiving organisation, agreement, transition and category."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.catalog.models import Agreement, Category, Transition
from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit


class RoutingRule(db.Model):
    """Send matching cases to ``target_unit``; a key left empty matches anything.

    The most specific matching rule wins (the most keys set).
    """

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    receiving_organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id"), index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    transition_id: Mapped[int | None] = mapped_column(ForeignKey("transitions.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    target_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    receiving_organization: Mapped[Organization] = relationship()
    agreement: Mapped[Agreement | None] = relationship()
    transition: Mapped[Transition | None] = relationship()
    category: Mapped[Category | None] = relationship()
    target_unit: Mapped[Unit] = relationship()

    @property
    def specificity(self) -> int:
        return sum(k is not None for k in (self.agreement_id, self.transition_id,
                                           self.category_id))
