"""Audit entries are written next to the change and never edited afterwards."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None for the system (a periodic deletion, a key rotation from the command line).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: "identity.viewed", "identity.deleted", "identity.rotated", ...
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int] = mapped_column()
    #: The reason the actor typed (never patient identity).
    reason: Mapped[str] = mapped_column(Text, default="")
