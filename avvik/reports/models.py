"""A report is one shared case seen by the reporting and the receiving side."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.catalog.models import Agreement, Category, Transition
from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.users.models import User


def _values(kinds: type[enum.Enum]) -> list[str]:
    return [k.value for k in kinds]


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=30, values_callable=_values)


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    SUBMITTED = "submitted"
    ROUTED = "routed"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Consequence(enum.StrEnum):
    """Actual or potential (worst credible) consequence, in rising order."""

    NONE = "none"
    MINOR = "minor"
    MODERATE = "moderate"
    SIGNIFICANT = "significant"
    DEATH = "death"


class Direction(enum.StrEnum):
    """Which way the report crosses the levels of care, fixed when it is submitted."""

    MUNICIPALITY_TO_HOSPITAL = "municipality_to_hospital"
    HOSPITAL_TO_MUNICIPALITY = "hospital_to_municipality"
    OTHER = "other"


class Report(db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("escalation_level BETWEEN 0 AND 3", name="escalation_level_range"),
        CheckConstraint("reopen_count >= 0", name="reopen_count_not_negative"),
        CheckConstraint("redirect_count >= 0", name="redirect_count_not_negative"),
        # A draft may be half-filled; anything submitted carries every required field.
        CheckConstraint(
            "status = 'draft' OR (receiving_organization_id IS NOT NULL"
            " AND agreement_id IS NOT NULL AND transition_id IS NOT NULL"
            " AND category_id IS NOT NULL AND event_date IS NOT NULL"
            " AND consequence IS NOT NULL AND potential_consequence IS NOT NULL"
            " AND case_number IS NOT NULL)",
            name="submitted_reports_complete",
        ),
        Index("ix_reports_responsible_status", "responsible_unit_id", "status"),
        Index("ix_reports_receiving_status", "receiving_organization_id", "status"),
        Index("ix_reports_reporting_org_status", "reporting_organization_id", "status"),
        Index("ix_reports_reporter_created", "reporter_id", "created_at"),
        Index("ix_reports_status_answer_due", "status", "answer_due_at"),
        Index("ix_reports_submitted_at", "submitted_at"),
        # The dashboards filter and group by the event date within an organisation. On
        # PostgreSQL the index carries every column a dashboard filters or groups by, so
        # that their aggregates over a period are index-only scans (bench/: 2-3x faster
        # over a million cases); the performance page's figures read the last six.
        Index("ix_reports_dashboard", "event_date", postgresql_include=[
            "status", "direction", "reporting_organization_id", "receiving_organization_id",
            "reporting_unit_id", "responsible_unit_id", "agreement_id", "transition_id",
            "category_id", "consequence", "acknowledge_working_days", "answer_working_days",
            "answered_at", "answer_due_at", "answer_delivered_at", "escalation_level"]),
        Index("ix_reports_receiving_event_date", "receiving_organization_id", "event_date"),
        Index("ix_reports_reporting_event_date", "reporting_organization_id", "event_date"),
        # The case lists (reports/paging.py): every sort key has an index that a page is
        # read from in order (event date: ix_reports_dashboard; submitted, case number:
        # above); a unit's inbox newest first has its own; a category narrows a view.
        Index("ix_reports_created_at", "created_at"),
        Index("ix_reports_answer_due_at", "answer_due_at"),
        Index("ix_reports_responsible_created", "responsible_unit_id", "created_at"),
        # A category narrows a list (the leading column).
        Index("ix_reports_kind_event_date", "category_id", "receiving_organization_id",
              "event_date", postgresql_include=["status"]),
        # A measure's evaluation counts its owning unit's cases of its categories month
        # by month around its start, as the responsible and as the reporting unit
        # (avvik/measures/evaluation.py): a range of one of these per category.
        Index("ix_reports_responsible_kind_event_date", "responsible_unit_id", "category_id",
              "event_date", postgresql_include=["status"]),
        Index("ix_reports_reporting_kind_event_date", "reporting_unit_id", "category_id",
              "event_date", postgresql_include=["status"]),
        # A form posted twice (two taps, a resend after a lost answer) carries the same
        # token: the second INSERT or UPDATE fails here, also when both run at once, and
        # the page answers with the first one's case. Only form-filed reports have one.
        Index("uq_reports_reporter_submission_token", "reporter_id", "submission_token",
              unique=True, postgresql_where=text("submission_token IS NOT NULL"),
              sqlite_where=text("submission_token IS NOT NULL")),
        # The start page's work queue (avvik/reports/queue.py) counts what changed lately
        # in a person's own reports and in their units' inbox, and cases the reporting
        # side's leaders must approve: each a range of one of these, never a scan.
        Index("ix_reports_reporter_reporting_changed", "reporter_id", "reporting_changed_at"),
        Index("ix_reports_responsible_receiving_changed", "responsible_unit_id",
              "receiving_changed_at"),
        Index("ix_reports_unrouted_receiving_changed", "receiving_organization_id",
              "receiving_changed_at", postgresql_where=text("responsible_unit_id IS NULL"),
              sqlite_where=text("responsible_unit_id IS NULL")),
        Index("ix_reports_reporting_unit_status", "reporting_unit_id", "status"),
        # The feed of changes (GET /api/v1/reports?updated_since=...): a range of this
        # index, read in its order, (changed_at, id) being the feed's order and cursor.
        Index("ix_reports_changed_at_id", "changed_at", "id"),
        # Who may see a measure depends on whether they may see one of its cases
        # (avvik/measures/queries.py): a probe by id for each linked case. Carrying the
        # columns the visibility rule reads makes each probe index-only on PostgreSQL
        # instead of a heap read per case (bench/measures_list.py: the secretariat's
        # list at a million cases). On SQLite it is a plain index on the key.
        Index("ix_reports_parties", "id", postgresql_include=[
            "reporting_organization_id", "receiving_organization_id",
            "joint_organization_id", "reporting_unit_id", "responsible_unit_id",
            "reporter_id", "status"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SA-YYYY-NNNNN, given when the report is submitted; consecutive per year.
    case_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    status: Mapped[ReportStatus] = mapped_column(_enum(ReportStatus), default=ReportStatus.DRAFT)

    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reporting_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    #: Copied from the reporting unit so scoping and statistics need no join up the tree.
    reporting_organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    receiving_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    #: The unit the reporter named, if known; routing falls back to it.
    receiving_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    #: The unit that must answer, set by routing (None routes to the coordinators).
    responsible_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    routing_rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rules.id"))
    #: Why routing chose the unit: "rule", "forwarded", "named_unit" or "coordinators".
    #: With routing_rule_id the case page says "routed to X by rule Y" in the reader's
    #: language.
    routing_basis: Mapped[str | None] = mapped_column(String(20))
    direction: Mapped[Direction | None] = mapped_column(_enum(Direction))

    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    transition_id: Mapped[int | None] = mapped_column(ForeignKey("transitions.id"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))

    event_date: Mapped[date | None] = mapped_column(Date)
    discovered_date: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    immediate_measures: Mapped[str] = mapped_column(Text, default="")
    suggestion: Mapped[str] = mapped_column(Text, default="")
    consequence: Mapped[Consequence | None] = mapped_column(_enum(Consequence))
    potential_consequence: Mapped[Consequence | None] = mapped_column(_enum(Consequence))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Norwegian working days from the latest routing to the acknowledgement and to the
    #: answer, fixed when they happen, so that the dashboards aggregate them in SQL (the
    #: holidays live in Python, not in the database).
    acknowledge_working_days: Mapped[int | None] = mapped_column(SmallInteger)
    answer_working_days: Mapped[int | None] = mapped_column(SmallInteger)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: What the receiver found.
    answer_cause: Mapped[str | None] = mapped_column(Text)
    #: Measures (tiltak) taken and planned.
    answer_measures: Mapped[str | None] = mapped_column(Text)
    #: When the answer reached the reporting side (e-mail sent or read); closing needs it.
    answer_delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopen_count: Mapped[int] = mapped_column(SmallInteger, default=0)
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    #: How often a receiving side has declined the case with a proposal (disputes.py);
    #: a case declined again goes to the joint committee instead of moving.
    redirect_count: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: A second party asked for a joint answer: its coordinators see the case and comment.
    joint_organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    #: 0 none, 1 parent unit's leader, 2 coordinators, 3 joint committee's agenda.
    escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the patient identity was deleted from the vault (shown on the case).
    identity_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The one-time token of the report form that last saved the report (a hidden
    #: field, new on each page): a repeated post of that form finds this report.
    submission_token: Mapped[str | None] = mapped_column(String(64))
    #: The last change the reporting side, and the receiving side, has to know of (an
    #: answer, a comment, a routing: avvik/reports/reads.py). Set without touching
    #: ``version``: two comments at once must both land. None: nothing new since the
    #: read markers began.
    reporting_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    receiving_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last change a party's own systems should hear of (filing, handling, answers,
    #: comments, escalation: avvik/integrations/changes.py); the feed's order with ``id``.
    #: Set with the change, without touching ``version``, like the read markers above.
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Optimistic locking: two handlers acting at once never lose an update.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    reporting_unit: Mapped[Unit] = relationship(foreign_keys=[reporting_unit_id])
    reporting_organization: Mapped[Organization] = relationship(
        foreign_keys=[reporting_organization_id]
    )
    receiving_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[receiving_organization_id]
    )
    joint_organization: Mapped[Organization | None] = relationship(
        foreign_keys=[joint_organization_id]
    )
    receiving_unit: Mapped[Unit | None] = relationship(foreign_keys=[receiving_unit_id])
    responsible_unit: Mapped[Unit | None] = relationship(foreign_keys=[responsible_unit_id])
    agreement: Mapped[Agreement | None] = relationship()
    transition: Mapped[Transition | None] = relationship()
    category: Mapped[Category | None] = relationship()
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", order_by="ReportEvent.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Report {self.case_number or self.id} {self.status}>"


class ReportEvent(db.Model):
    """One line of a case's timeline: a status change, comment, e-mail or identity view."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    #: None for the system (routing, escalation, e-mail).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: What happened: "submitted", "routed", "comment", "email_sent", "identity_viewed", ...
    kind: Mapped[str] = mapped_column(String(40))
    #: Comment text or a short human-readable note; never patient identity.
    text: Mapped[str] = mapped_column(Text, default="")
    #: Structured details (from/to status, recipients' roles, escalation level, ...).
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class CaseRead(db.Model):
    """When a person last had a case in front of them: what changed after is unread."""

    __tablename__ = "case_reads"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"),
                                           primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PatientIdentity(db.Model):
    """The patient identity vault: name and national id, encrypted at rest, one per case."""

    __tablename__ = "patient_identities"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    #: Fernet token of the JSON {"name", "national_id"}; see the vault service.
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseNumberCounter(db.Model):
    """The last case number used per year; incremented under a row lock."""

    __tablename__ = "case_number_counters"

    year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class ReportLink(db.Model):
    """Two reports of one event, usually one from each side (issue #14: one event, two
    reports). The pair is stored once, the lower id first; an unlinked pair keeps its row
    (who, when, why) and may be linked again as a new row."""

    __tablename__ = "report_links"
    __table_args__ = (
        CheckConstraint("report_a_id < report_b_id", name="ordered_pair"),
        CheckConstraint("(unlinked_at IS NULL) = (unlinked_by_id IS NULL)",
                        name="unlinked_with_actor"),
        # One live link per pair; the history of unlinked ones stays beside it.
        Index("uq_report_links_live_pair", "report_a_id", "report_b_id", unique=True,
              postgresql_where=text("unlinked_at IS NULL"),
              sqlite_where=text("unlinked_at IS NULL")),
        # A case's links from its other end (the unique index serves the lower end).
        Index("ix_report_links_b", "report_b_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_a_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    report_b_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    #: Why the two reports are of one event, as the linking person wrote it.
    reason: Mapped[str] = mapped_column(Text)
    linked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unlinked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unlinked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    unlink_reason: Mapped[str | None] = mapped_column(Text)

    report_a: Mapped[Report] = relationship(foreign_keys=[report_a_id])
    report_b: Mapped[Report] = relationship(foreign_keys=[report_b_id])
    linked_by: Mapped[User] = relationship(foreign_keys=[linked_by_id])

    def other(self, report: Report) -> Report:
        """The end of the link that is not ``report``."""
        return self.report_b if report.id == self.report_a_id else self.report_a
