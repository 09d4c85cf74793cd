"""How many patients a unit discharged in a month, registered by the unit's leader or a
quality adviser: the denominator that turns a measure's monthly case counts into rates
(cases per 100 discharges), so that a busier month does not look like a worse one."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import Unit


class DischargeCount(db.Model):
    __tablename__ = "discharge_counts"
    __table_args__ = (
        # One figure per unit and month; registering again replaces it. The unique index
        # also serves the evaluation's look-up by unit and months.
        UniqueConstraint("unit_id", "month"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    #: The month's first day.
    month: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer)
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow,
                                                    onupdate=utcnow)

    unit: Mapped[Unit] = relationship()

    def __repr__(self) -> str:
        return f"<DischargeCount unit={self.unit_id} {self.month:%Y-%m} {self.count}>"
