"""Server-side login sessions.

Failed sign-ins are counted in Redis, not here (avvik/auth/throttle.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvik.core.db import UTCDateTime
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.users.models import User


class LoginSession(db.Model):
    """One signed-in browser. The cookie holds only ``token``; logout ends the row, so a
    copied cookie stops working at once."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, URL-safe, unguessable; what Flask-Login keeps in the session cookie.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
