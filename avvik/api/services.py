"""Creating, revoking and checking personal API tokens. Flush, never commit."""

from __future__ import annotations

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import joinedload

from avvik.api.models import ApiToken
from avvik.core.errors import NotFound, ValidationFailed
from avvik.core.timeutil import as_utc, utcnow
from avvik.extensions import db
from avvik.users.models import User

NAME_LIMIT = 100
PREFIX_LENGTH = 8
#: Longer than any token we issue; longer headers are refused without hashing.
MAX_TOKEN_LENGTH = 200
#: How often ``last_used_at`` is written (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    # A token carries 256 random bits, so a fast hash is enough: no guessing to slow down.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(user: User, name: str, *, now: datetime | None = None
                 ) -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the token, which is never stored."""
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise ValidationFailed([("name", str(_l("Give the token a name.")))])
    if len(name) > NAME_LIMIT:
        raise ValidationFailed([("name", str(_l("At most %(n)d characters (now %(m)d).",
                                                n=NAME_LIMIT, m=len(name))))])
    plain = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, token_hash=hash_token(plain),
                     prefix=plain[:PREFIX_LENGTH], created_at=now or utcnow())
    db.session.add(token)
    db.session.flush()
    return token, plain


def revoke_token(actor: User, token: ApiToken, *, now: datetime | None = None) -> ApiToken:
    """Stop the token working at once. Only its owner revokes it; others get NotFound."""
    if token.user_id != actor.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        db.session.flush()
    return token


def authenticate_token(plain: str, *, now: datetime | None = None) -> User | None:
    """The active user an unrevoked token belongs to, or None."""
    found = token_user(plain, now=now)
    return found[0] if found else None


def token_user(plain: str, *, now: datetime | None = None) -> tuple[User, bool] | None:
    """The active user of an unrevoked token, and whether ``last_used_at`` was written.

    One query by the token's hash (a unique index) brings the user and the memberships
    every API route asks about. ``last_used_at`` is written at most once per
    ``LAST_USED_RESOLUTION``, so most requests write nothing and need no commit.
    """
    if not plain or len(plain) > MAX_TOKEN_LENGTH:
        return None
    row = db.session.execute(_token_query(), {"token_hash": hash_token(plain)}
                             ).unique().one_or_none()
    if row is None or not row[0].is_active:
        return None
    user, token_id, last_used_at = row
    now = now or utcnow()
    if last_used_at is not None and now - as_utc(last_used_at) <= LAST_USED_RESOLUTION:
        return user, False
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id)
                       .values(last_used_at=now))
    return user, True


@functools.cache
def _token_query() -> Select:
    # Built once per process: building it costs about as much as running it.
    return (select(User, ApiToken.id, ApiToken.last_used_at)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == bindparam("token_hash"),
                   ApiToken.revoked_at.is_(None))
            .options(joinedload(User.memberships)))
