"""Webhooks an organisation's administrator registers, and the log of their deliveries."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import Organization


class Webhook(db.Model):
    """A URL of the organisation's quality system that hears of changes to its cases."""

    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    #: The shared secret that signs each delivery, Fernet-encrypted with the identity
    #: key (avvik/reports/vault.py): the receiver's copy is the only plain one.
    secret_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Removed by an administrator: nothing more is sent; its log stays.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization] = relationship()

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  #: not yet tried, or to be tried again (a 5xx, a timeout)
    DELIVERED = "delivered"  #: the receiver answered 2xx
    FAILED = "failed"  #: refused (4xx, a redirect) or no success after the last attempt


class WebhookDelivery(db.Model):
    """One event for one webhook, and what became of it: the delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The administrator's log of a webhook, newest first.
        Index("ix_webhook_deliveries_webhook_id", "webhook_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    #: "case.filed", "case.changed", "case.answered" or "case.closed".
    event: Mapped[str] = mapped_column(String(30))
    #: The case's ``changed_at`` of this change: when it happened.
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[DeliveryState] = mapped_column(
        Enum(DeliveryState, native_enum=False, length=20,
             values_callable=lambda kinds: [k.value for k in kinds]),
        default=DeliveryState.PENDING)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: The receiver's last HTTP status; None when it could not be reached.
    last_status: Mapped[int | None] = mapped_column(SmallInteger)
    #: Why the last attempt failed, in one line (never a body the receiver sent).
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    webhook: Mapped[Webhook] = relationship()
