"""Agreements, transition phases and finer transitions, and deviation categories.

All of it is data, maintained by administrators; nothing here is hard-coded elsewhere.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db

if TYPE_CHECKING:
    from avvik.organizations.models import HealthCommunity


class Agreement(db.Model):
    """A service agreement (tjenesteavtale / delavtale) of the cooperation agreement."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("health_community_id", "number"),
        CheckConstraint("acknowledge_days >= 0", name="acknowledge_days_not_negative"),
        CheckConstraint("answer_days >= 1", name="answer_days_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    health_community_id: Mapped[int] = mapped_column(ForeignKey("health_communities.id"))
    #: The community's own numbering ("3", "5a"); local numbering differs from the law's.
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    #: The point of helse- og omsorgstjenesteloven § 6-2 it implements; None for local extras.
    legal_point: Mapped[int | None] = mapped_column(SmallInteger)
    #: Working days to acknowledge a case under this agreement.
    acknowledge_days: Mapped[int] = mapped_column(SmallInteger, default=2)
    #: Working days to answer a case under this agreement (svarfrist).
    answer_days: Mapped[int] = mapped_column(SmallInteger, default=15)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    health_community: Mapped[HealthCommunity] = relationship()

    def __repr__(self) -> str:
        return f"<Agreement {self.number} {self.title}>"


class Phase(db.Model):
    """A transition phase (A admission, B stay in hospital, C discharge, ...)."""

    __tablename__ = "phases"
    __table_args__ = (UniqueConstraint("health_community_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    health_community_id: Mapped[int] = mapped_column(ForeignKey("health_communities.id"))
    code: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    health_community: Mapped[HealthCommunity] = relationship()
    transitions: Mapped[list[Transition]] = relationship(back_populates="phase")
    categories: Mapped[list[Category]] = relationship(back_populates="phase")

    def __repr__(self) -> str:
        return f"<Phase {self.code}>"


class Transition(db.Model):
    """A finer transition within a phase (discharge-ready notice, epicrisis, ...)."""

    __tablename__ = "transitions"
    __table_args__ = (UniqueConstraint("phase_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase_id: Mapped[int] = mapped_column(ForeignKey("phases.id"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    phase: Mapped[Phase] = relationship(back_populates="transitions")

    def __repr__(self) -> str:
        return f"<Transition {self.code}>"


class Category(db.Model):
    """What went wrong (or went well: improvement proposals and good catches are reports)."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("health_community_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    health_community_id: Mapped[int] = mapped_column(ForeignKey("health_communities.id"))
    #: The phase it is offered for; None offers it in every phase ("Other").
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("phases.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(SmallInteger, default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    health_community: Mapped[HealthCommunity] = relationship()
    phase: Mapped[Phase | None] = relationship(back_populates="categories")

    def __repr__(self) -> str:
        return f"<Category {self.code}>"
