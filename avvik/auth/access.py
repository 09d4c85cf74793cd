"""Ending a user's access when their password changes: login sessions and API tokens.

A new password says the old one may be known to someone else, and so may whatever it
opened: every other signed-in browser and every API token made while it held. The user's
own change keeps the browser it was made in; an administrator's reset keeps none (but the
administrator's own session, when they reset their own password). Flush, never commit.
"""

from __future__ import annotations

from datetime import datetime

from avvik.api.services import revoke_tokens_of
from avvik.audit.services import audit
from avvik.auth.models import LoginSession
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.users.models import User

#: Audit actions, with the user whose password it is as the object.
PASSWORD_CHANGED = "user.password_changed"
PASSWORD_RESET = "user.password_reset"


def end_sessions(user: User, *, keep_token: str | None = None,
                 now: datetime | None = None) -> int:
    """End every open login session of ``user`` but the one with ``keep_token``;
    returns how many ended. Their cookies stop working at the next request."""
    statement = db.update(LoginSession).filter_by(user_id=user.id, ended_at=None)
    if keep_token:
        statement = statement.where(LoginSession.token != keep_token)
    result = db.session.execute(statement.values(ended_at=now or utcnow()))
    return int(getattr(result, "rowcount", 0) or 0)


def end_access_after_new_password(user: User, *, actor: User, action: str,
                                  keep_token: str | None = None,
                                  now: datetime | None = None) -> tuple[int, int]:
    """End ``user``'s other sessions and revoke their tokens, and audit it under
    ``action`` (``PASSWORD_CHANGED`` or ``PASSWORD_RESET``). Returns (sessions, tokens)."""
    now = now or utcnow()
    sessions = end_sessions(user, keep_token=keep_token, now=now)
    tokens = revoke_tokens_of(user, actor=actor, reason=action, now=now)
    audit(action, "user", user.id, actor=actor, now=now,
          detail={"sessions_ended": sessions, "tokens_revoked": tokens})
    db.session.flush()
    return sessions, tokens
