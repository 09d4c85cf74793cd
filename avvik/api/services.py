"""Creating, revoking and checking personal API tokens. Flush, never commit.

A token works for ``AVVIK_API_TOKEN_DAYS`` days (``expires_at``) unless revoked first: by
its owner, or with every other token of a user whose password is changed or reset
(avvik/auth/access.py). Creating and revoking are audited.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import joinedload

from avvik.api.models import ApiToken
from avvik.audit.services import audit
from avvik.core.errors import DomainError, NotFound, ValidationFailed
from avvik.core.timeutil import as_utc, utcnow
from avvik.extensions import db
from avvik.users.models import User

NAME_LIMIT = 100
PREFIX_LENGTH = 8
#: Longer than any token we issue; longer headers are refused without hashing.
MAX_TOKEN_LENGTH = 200
#: How often ``last_used_at`` is written (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenExpired(DomainError):
    """The token is genuine but its ``expires_at`` has come; the API answers 401."""

    def __init__(self, expires_at: datetime) -> None:
        super().__init__(expires_at)
        self.expires_at = expires_at


def hash_token(token: str) -> str:
    # A token carries 256 random bits, so a fast hash is enough: no guessing to slow down.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, name: str, *, now: datetime | None = None,
                 by_operator: bool = False) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the token, which is never stored.

    It expires ``API_TOKEN_DAYS`` days from ``now``. ``by_operator``: made from the
    command line, so the audit entry names no user as its actor.
    """
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise ValidationFailed([("name", str(_l("Give the token a name.")))])
    if len(name) > NAME_LIMIT:
        raise ValidationFailed([("name", str(_l("At most %(n)d characters (now %(m)d).",
                                                n=NAME_LIMIT, m=len(name))))])
    now = now or utcnow()
    plain = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(plain),
                     prefix=plain[:PREFIX_LENGTH], created_at=now,
                     expires_at=now + timedelta(days=current_app.config["API_TOKEN_DAYS"]))
    db.session.add(token)
    db.session.flush()
    audit("api_token.created", "api_token", token.id, actor=None if by_operator else user,
          detail={"owner_id": user.id, "expires_at": token.expires_at.isoformat()}, now=now)
    return token, plain


def revoke_token(actor: User, token: ApiToken, *, now: datetime | None = None) -> ApiToken:
    """Stop the token working at once. Only its owner revokes it; others get NotFound."""
    if token.user_id != actor.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        audit("api_token.revoked", "api_token", token.id, actor=actor,
              detail={"owner_id": token.user_id}, now=token.revoked_at)
        db.session.flush()
    return token


def revoke_tokens_of(user: User, *, actor: User | None, reason: str,
                     now: datetime | None = None) -> int:
    """Revoke every token of ``user`` that still works; returns how many.

    ``reason`` (the action that ended them: a password change, a reset) goes to each
    token's audit entry. Expired
    tokens stay as they are: they open nothing, and the page says why.
    """
    now = now or utcnow()
    working = (ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
               ApiToken.expires_at > now)
    token_ids = db.session.scalars(select(ApiToken.id).where(*working)).all()
    if not token_ids:
        return 0
    db.session.execute(update(ApiToken).where(ApiToken.id.in_(token_ids),
                                              ApiToken.revoked_at.is_(None))
                       .values(revoked_at=now))
    for token_id in token_ids:
        audit("api_token.revoked", "api_token", token_id, actor=actor,
              detail={"owner_id": user.id, "because": reason}, now=now)
    db.session.flush()
    return len(token_ids)


def authenticate_token(plain: str, *, now: datetime | None = None) -> User | None:
    """The active user an unrevoked, unexpired token belongs to, or None."""
    try:
        found = token_user(plain, now=now)
    except TokenExpired:
        return None
    return found[0] if found else None


def token_user(plain: str, *, now: datetime | None = None
               ) -> tuple[User, bool, str | None] | None:
    """The active user of an unrevoked token, whether ``last_used_at`` was written, and
    the token's scope (None for a personal token; avvik/integrations/accounts.py).

    ``TokenExpired`` once the token's ``expires_at`` has come (that moment included). One
    query by the token's hash (a unique index) brings the user and the memberships
    every API route asks about. ``last_used_at`` is written at most once per
    ``LAST_USED_RESOLUTION``, so most requests write nothing and need no commit.
    """
    if not plain or len(plain) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(_token_query(), {"token_hash": hash_token(plain)}
                             ).unique().one_or_none()
    if row is None or not row[0].is_active:
        return None
    user, token_id, last_used_at, expires_at, scope = row
    now = now or utcnow()
    if as_utc(expires_at) <= now:
        raise TokenExpired(as_utc(expires_at))
    if last_used_at is not None and now - as_utc(last_used_at) <= LAST_USED_RESOLUTION:
        return user, False, scope
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id)
                       .values(last_used_at=now))
    return user, True, scope


@functools.cache
def _token_query() -> Select:
    # Built once per process: building it costs about as much as running it.
    return (select(User, ApiToken.id, ApiToken.last_used_at, ApiToken.expires_at,
                   ApiToken.scope)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("token_hash"),
                   ApiToken.revoked_at.is_(None))
            .options(joinedload(User.memberships)))
