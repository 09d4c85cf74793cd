"""The person the provider vouches for, as a user here: found among existing users, never
made on the fly. An administrator decides who uses Avvik and in which roles.

AVVIK_OIDC_USER_CLAIM names the claim that identifies the person: ``email`` is matched to
the user's e-mail regardless of case (not when the provider says it is unverified), any
other claim exactly to the identifier recorded on the user (``User.external_id``).
A refusal is audited, with the claim's value only when it is an e-mail: another claim may
be a national identity number, so the entry holds a fingerprint of it instead.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from sqlalchemy import func

from avvik.audit.services import audit
from avvik.auth.services import open_login_session
from avvik.core.errors import DomainError
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.users.models import User

#: Audit actions of a refused single sign-on. Object: the user (0 when none matched).
UNKNOWN_PERSON = "sso.unknown_person"
DEACTIVATED_USER = "sso.deactivated_user"


class PersonRefused(DomainError):
    """The provider signed the person in, but they may not use Avvik (audited already)."""

    def __init__(self, *, deactivated: bool) -> None:
        super().__init__("deactivated user" if deactivated else "unknown person")
        self.deactivated = deactivated


def sign_in_with_claims(claims: dict[str, Any], *, claim: str, issuer: str,
                        now: datetime | None = None) -> User:
    """Open a login session for the active user whom the ID token's ``claims`` identify by
    ``claim``, as a password sign-in does (``user.session_token`` is set).

    Raises ``PersonRefused`` for an unknown person or a deactivated user, after writing
    the audit entry that the caller commits with the refusal.
    """
    now = now or utcnow()
    value = claim_value(claims, claim)
    user = user_for_claim(claim, value, claims) if value else None
    if user is None or not user.is_active:
        action = UNKNOWN_PERSON if user is None else DEACTIVATED_USER
        unverified = claim == "email" and claims.get("email_verified") is False
        audit(action, "user", user.id if user else 0, actor=user, now=now,
              reason=f"{claim}: {shown_value(claim, value)}"
                     f"{' (not verified by the provider)' if unverified else ''}; "
                     f"issuer: {issuer}")
        db.session.flush()
        raise PersonRefused(deactivated=user is not None)
    user.last_login_at = now
    open_login_session(user, method="oidc", now=now)
    return user


def claim_value(claims: dict[str, Any], claim: str) -> str | None:
    """The claim as text; None when missing, empty, or not a single value."""
    value = claims.get(claim)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def user_for_claim(claim: str, value: str, claims: dict[str, Any]) -> User | None:
    """The one user ``value`` identifies; None when none does, or more than one would."""
    if claim == "email":
        if claims.get("email_verified") is False:
            return None  # anyone may type an address; only a verified one identifies
        query = db.select(User).where(func.lower(User.email) == value.lower())
    else:
        query = db.select(User).where(User.external_id == value)
    # An organisation's service account signs in nowhere (avvik/integrations/accounts.py).
    query = query.where(User.service_organization_id.is_(None))
    users = db.session.execute(query.limit(2)).scalars().all()
    return users[0] if len(users) == 1 else None


def shown_value(claim: str, value: str | None) -> str:
    """What the audit log may hold of a claim's value."""
    if value is None:
        return "(missing)"
    if claim == "email":
        return value
    return "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:16]
