"""Measures (tiltak): improvement work that answers one or several cases.

A measure belongs to an owning unit on either side of its cases, has a due date and a
status, and is evaluated after it took effect: did deviations of that kind drop? It is
never deleted; a measure no longer wanted is cancelled.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.reports.models import Report
from avvik.users.models import User


class MeasureStatus(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


#: A measure in one of these states is done with: it is never overdue.
FINISHED = (MeasureStatus.COMPLETED, MeasureStatus.CANCELLED)


def _values(kinds: type[enum.Enum]) -> list[str]:
    return [k.value for k in kinds]


class Measure(db.Model):
    __tablename__ = "measures"
    __table_args__ = (
        Index("ix_measures_status_due", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The unit that carries the measure out; of the reporting or the receiving
    #: organisation of one of its cases.
    owning_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[MeasureStatus] = mapped_column(
        Enum(MeasureStatus, native_enum=False, length=20, values_callable=_values),
        default=MeasureStatus.PLANNED,
    )
    #: When the measure took effect: the line between "before" and "after" in its
    #: evaluation. Set when work starts if not given earlier.
    start_date: Mapped[date | None] = mapped_column(Date)
    #: The owning unit's judgement: did deviations of that kind drop afterwards?
    evaluation_note: Mapped[str | None] = mapped_column(Text)
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    owning_unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    evaluated_by: Mapped[User | None] = relationship(foreign_keys=[evaluated_by_id])
    links: Mapped[list[MeasureReport]] = relationship(
        back_populates="measure", order_by="MeasureReport.report_id",
        cascade="all, delete-orphan",
    )

    @property
    def reports(self) -> list[Report]:
        return [link.report for link in self.links]

    def __repr__(self) -> str:
        return f"<Measure {self.id} {self.status}>"


class MeasureReport(db.Model):
    """The link between a measure and one of its cases (many-to-many), with who made it."""

    __tablename__ = "measure_reports"

    measure_id: Mapped[int] = mapped_column(ForeignKey("measures.id"), primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id"), primary_key=True, index=True)
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    measure: Mapped[Measure] = relationship(back_populates="links")
    report: Mapped[Report] = relationship()
    linked_by: Mapped[User] = relationship()
