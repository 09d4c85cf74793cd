"""Audit entries are written next to what they record and never changed afterwards.

Who did what, to which object, when, from which client address and in which request.
An entry holds ids, names of people and small structured details: never the free text
of a case and never a patient's identity. The rows are append-only: the ORM refuses to
update or delete them (avvik/audit/guard.py) and so do the databases' triggers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db

#: The longest client address: an IPv6 address with an embedded IPv4 one.
ADDRESS_LENGTH = 45


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (
        # The administrator's searches (avvik/audit/queries.py), each newest first: by
        # object, by user, by action, by client address, and by period alone.
        Index("ix_audit_entries_object", "object_type", "object_id"),
        Index("ix_audit_entries_actor_at", "actor_id", "at"),
        Index("ix_audit_entries_action_at", "action", "at"),
        Index("ix_audit_entries_client_at", "client_address", "at"),
        Index("ix_audit_entries_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None for the system (a periodic deletion, a key rotation from the command line)
    #: and for someone not signed in (a failed sign-in).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: The actor's user name and full name when the entry was written: a later rename
    #: does not rewrite who did it.
    actor_username: Mapped[str | None] = mapped_column(String(80))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    #: A name of avvik/audit/actions.py: "auth.signed_in", "report.read", ...
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40))
    #: None when there is no such row (a sign-in with a user name nobody has).
    object_id: Mapped[int | None] = mapped_column()
    #: Small structured facts: changed field names, a role, a format. Never free text.
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The reason the actor gave for looking at a patient identity (never the identity).
    reason: Mapped[str] = mapped_column(Text, default="")
    #: The request's client address as the app sees it (``request.remote_addr``).
    client_address: Mapped[str | None] = mapped_column(String(ADDRESS_LENGTH))
    #: The request (or task) id of the log lines (avvik/core/request_ids.py).
    request_id: Mapped[str | None] = mapped_column(String(128))
