"""Creating, revoking and checking personal API tokens. Flush, never commit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

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
    if not plain or len(plain) > MAX_TOKEN_LENGTH:
        return None
    token = db.session.execute(
        db.select(ApiToken).filter_by(token_hash=hash_token(plain), revoked_at=None)
    ).scalar_one_or_none()
    if token is None or not token.user.is_active:
        return None
    now = now or utcnow()
    if token.last_used_at is None or now - as_utc(token.last_used_at) > LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.flush()
    return token.user
