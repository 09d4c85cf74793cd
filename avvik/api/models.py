"""Personal bearer tokens for the REST API, and the Idempotency-Keys of its POSTs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import as_utc, utcnow
from avvik.extensions import db
from avvik.users.models import User


class ApiToken(db.Model):
    """One personal token. The token itself is shown once and never stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: The owner's label for it ("Quality system export").
    name: Mapped[str] = mapped_column(String(100))
    #: SHA-256 of the token, hex. A leaked database gives no usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token's first characters, so the owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Written at most once a minute (avvik/api/services.py), so it is that precise.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: From this moment on the token is refused (AVVIK_API_TOKEN_DAYS after creation).
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set by its owner, or for every token of a user whose password is changed or reset.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: None for a personal token (all its owner may do); for an organisation's service
    #: token (avvik/integrations/accounts.py) "read", or "read_file": read and file reports.
    scope: Mapped[str | None] = mapped_column(String(10))
    #: The administrator who issued a service token.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def is_expired(self, now: datetime | None = None) -> bool:
        return as_utc(self.expires_at) <= (now or utcnow())

    @property
    def is_active(self) -> bool:
        """Neither revoked nor expired: it still opens the API."""
        return self.revoked_at is None and not self.is_expired()

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix}… of user {self.user_id}>"


class IdempotencyKey(db.Model):
    """A POST sent with an ``Idempotency-Key`` header, and what it answered.

    Written in the transaction of the work itself: the key exists exactly when the work
    does. A retry with the same key is answered from here (avvik/api/idempotency.py).
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        # One answer per key and user, also for two requests at the same moment.
        UniqueConstraint("user_id", "key"),
        # The daily purge deletes by age.
        Index("ix_idempotency_keys_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: As the client sent it; its scope is the user, so clients need not coordinate.
    key: Mapped[str] = mapped_column(String(255))
    #: SHA-256 (hex) of the method, path and JSON body: the same key on another request is
    #: refused. A hash, so no text of the case is kept twice.
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: The status the first request answered (201 or 200); a retry answers the same.
    response_status: Mapped[int] = mapped_column(SmallInteger)
    #: The case the first request made or acted on; a retry answers with it as it is now.
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
