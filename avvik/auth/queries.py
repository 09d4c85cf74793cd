"""Read side of sign-in: finding a user by the name they typed, their open sessions."""

from __future__ import annotations

from sqlalchemy import func

from avvik.auth.models import LoginSession
from avvik.extensions import db
from avvik.users.models import User


def user_by_username(typed: str) -> User | None:
    """The user whose name matches ``typed`` regardless of case (phones capitalise the first
    letter). Should two names differ only in case, only the exact spelling matches."""
    name = typed.strip()
    if not name:
        return None
    candidates = db.session.execute(
        db.select(User).where(func.lower(User.username) == name.lower()).limit(5)
    ).scalars().all()
    if len(candidates) == 1:
        return candidates[0]
    return next((user for user in candidates if user.username == name), None)


def open_login_sessions(user: User) -> list[LoginSession]:
    """The user's login sessions that have not been ended, newest first."""
    return list(db.session.execute(
        db.select(LoginSession).filter_by(user_id=user.id, ended_at=None)
        .order_by(LoginSession.created_at.desc())
    ).scalars())
