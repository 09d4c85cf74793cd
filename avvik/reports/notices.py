"""What a serious case's parties record about the notices the law asks of them.

Avvik sends neither notice: it keeps what the parties say they did, so that the case page
stops reminding them and the statistics can count it (avvik/reports/serious.py).

- ``authority``: the notice to Helsetilsynet (spesialisthelsetjenesteloven § 3-3a,
  helse- og omsorgstjenesteloven § 12-3a), recorded by the receiving side;
- ``patient``: whether the patient or next of kin has been informed
  (pasient- og brukerrettighetsloven § 3-2), recorded by either side.

One row per case and kind; recording again corrects it (the timeline keeps each record).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.reports.models import Report
from avvik.reports.serious import is_serious


class NoticeKind(enum.StrEnum):
    AUTHORITY = "authority"
    PATIENT = "patient"


class NoticeAnswer(enum.StrEnum):
    YES = "yes"
    NO = "no"
    #: Only for the patient: e.g. no patient harm to tell of, or no next of kin.
    NOT_APPLICABLE = "not_applicable"


class CaseNotice(db.Model):
    """One party's record of a notice on a serious case."""

    __tablename__ = "case_notices"
    __table_args__ = (
        # One record per case and kind: a correction updates it; also the statistics'
        # EXISTS per case finds it by the leading column.
        UniqueConstraint("report_id", "kind"),
        CheckConstraint("kind IN ('authority', 'patient')", name="kind_known"),
        CheckConstraint("answer IN ('yes', 'no', 'not_applicable')", name="answer_known"),
        CheckConstraint("answer <> 'yes' OR on_date IS NOT NULL", name="yes_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    answer: Mapped[str] = mapped_column(String(20))
    #: When the notice was sent, or the patient or next of kin informed.
    on_date: Mapped[date | None] = mapped_column(Date)
    #: Who sent it: a name or a role, as typed (the authority notice only).
    by_whom: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


def notices_of(report: Report) -> dict[str, CaseNotice]:
    """The case's records by kind (``NoticeKind`` values); none for a new case, nor for
    one that is not serious (the steps refuse to record any there)."""
    if report.id is None or not is_serious(report):
        return {}
    rows = db.session.scalars(select(CaseNotice).where(CaseNotice.report_id == report.id))
    return {row.kind: row for row in rows}


def notices_out(report: Report) -> dict[str, dict[str, str | None]]:
    """The case's records as plain values (the API's ``notices``)."""
    return {kind: {"answer": n.answer, "on_date": n.on_date.isoformat() if n.on_date else None,
                   "by_whom": n.by_whom, "note": n.note,
                   "recorded_at": n.recorded_at.isoformat()}
            for kind, n in notices_of(report).items()}
