"""The joint committee's agenda: meetings of a health community and the cases on them."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity, Organization, Unit
from avvik.reports.models import Report
from avvik.users.models import User


class AgendaSource(enum.StrEnum):
    """How a case reached the agenda."""

    ESCALATION = "escalation"  #: escalation level 3 (deadline long passed)
    SECOND_DISAGREEMENT = "second_disagreement"  #: the reporting side disagrees again
    DECLINED_REDIRECT = "declined_redirect"  #: the proposed party declined too
    FLAGGED = "flagged"  #: a coordinator of either side, with a reason


class AgendaStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"  #: the committee's conclusion settles the case
    RETURNED = "returned"  #: sent back to the parties with the conclusion


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=30,
                values_callable=lambda kinds: [k.value for k in kinds])


class Meeting(db.Model):
    """One meeting of a community's joint committee."""

    __tablename__ = "committee_meetings"
    __table_args__ = (Index("ix_committee_meetings_community_held", "health_community_id",
                            "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    health_community_id: Mapped[int] = mapped_column(ForeignKey("health_communities.id"))
    held_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    health_community: Mapped[HealthCommunity] = relationship()


class AgendaItem(db.Model):
    """A case on the committee's agenda; once resolved it stays as the record."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        # At most one open item per case, also when two paths place it at once.
        Index("uq_agenda_items_open_report", "report_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        # The agenda page: a community's open items.
        Index("ix_agenda_items_community_status", "health_community_id", "status"),
        CheckConstraint("status = 'open' OR resolved_at IS NOT NULL",
                        name="resolved_items_have_a_moment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    #: The receiving organisation's community, whose committee takes the case.
    health_community_id: Mapped[int] = mapped_column(ForeignKey("health_communities.id"))
    source: Mapped[AgendaSource] = mapped_column(_enum(AgendaSource))
    status: Mapped[AgendaStatus] = mapped_column(_enum(AgendaStatus),
                                                 default=AgendaStatus.OPEN)
    #: Why the case is on the agenda; never patient identity (checked when placed).
    reason: Mapped[str] = mapped_column(Text, default="")
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None when the system placed it (escalation).
    placed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("committee_meetings.id"),
                                                   index=True)
    #: The committee's conclusion, and who follows it up.
    conclusion: Mapped[str | None] = mapped_column(Text)
    follow_up_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id"))
    follow_up_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    #: Who follows up, in words (a person, a working group), beside or instead of a unit.
    follow_up_note: Mapped[str] = mapped_column(Text, default="")
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    concluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Optimistic locking: two secretaries at once never lose an update.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    report: Mapped[Report] = relationship()
    health_community: Mapped[HealthCommunity] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    placed_by: Mapped[User | None] = relationship(foreign_keys=[placed_by_id])
    follow_up_organization: Mapped[Organization | None] = relationship()
    follow_up_unit: Mapped[Unit | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status == AgendaStatus.OPEN

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} report={self.report_id} {self.status}>"
