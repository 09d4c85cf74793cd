"""Health community → organisation → unit tree. The unit tree is the escalation ladder."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db


class OrganizationKind(enum.StrEnum):
    HOSPITAL_TRUST = "helseforetak"
    MUNICIPALITY = "kommune"
    PRIVATE_INSTITUTION = "privat_institusjon"
    GP_OFFICE = "fastlegekontor"


class HealthCommunity(db.Model):
    __tablename__ = "health_communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # The community's deadlines and retention, in working days unless said otherwise;
    # product defaults from domain.md §4-5, kept as data so each community can decide.
    #: A reminder goes this many working days before the answer deadline.
    reminder_days_before: Mapped[int] = mapped_column(SmallInteger, default=5)
    #: Level 2 (coordinators) this many working days after level 1.
    escalation_level2_days: Mapped[int] = mapped_column(SmallInteger, default=5)
    #: Level 3 (joint committee) this many working days after level 1.
    escalation_level3_days: Mapped[int] = mapped_column(SmallInteger, default=10)
    #: Calendar days after closing before the patient identity is deleted.
    identity_retention_days: Mapped[int] = mapped_column(SmallInteger, default=30)
    #: A serious case (avvik/reports/serious.py) is to be acknowledged within this many
    #: working days, and answered within the other, unless its agreement asks sooner.
    serious_acknowledge_days: Mapped[int] = mapped_column(SmallInteger, default=1)
    serious_answer_days: Mapped[int] = mapped_column(SmallInteger, default=5)
    #: What the community calls its joint committee (LSU, SSU, OSU, ...).
    committee_name: Mapped[str] = mapped_column(String(100), default="Samarbeidsutvalget")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organizations: Mapped[list[Organization]] = relationship(back_populates="health_community")

    def __repr__(self) -> str:
        return f"<HealthCommunity {self.name}>"


class Organization(db.Model):
    __tablename__ = "organizations"
    __table_args__ = (UniqueConstraint("health_community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    health_community_id: Mapped[int] = mapped_column(ForeignKey("health_communities.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganizationKind] = mapped_column(
        Enum(OrganizationKind, native_enum=False, length=40,
             values_callable=lambda kinds: [k.value for k in kinds])
    )
    #: Norwegian organisation number (9 digits), checked with python-stdnum.
    org_number: Mapped[str | None] = mapped_column(String(9), unique=True)
    #: Outgoing reports of this organisation wait for the reporting unit leader's approval.
    is_approval_required: Mapped[bool] = mapped_column(default=False)
    #: The organisation's routine asks reporters for the patient's identity (the vault).
    is_patient_identity_wanted: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    health_community: Mapped[HealthCommunity] = relationship(back_populates="organizations")
    units: Mapped[list[Unit]] = relationship(back_populates="organization")

    def __repr__(self) -> str:
        return f"<Organization {self.name}>"


class Unit(db.Model):
    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("organization_id", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: The parent in the tree (clinic above department); None for the organisation's top.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="units")
    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent")

    def ancestors(self) -> list[Unit]:
        """The units above this one, nearest first (the escalation ladder)."""
        chain: list[Unit] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def __repr__(self) -> str:
        return f"<Unit {self.name}>"
