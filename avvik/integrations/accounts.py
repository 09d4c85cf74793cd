"""Service tokens: an organisation's own systems reading its cases, and filing reports.

An administrator issues a token for an organisation with a scope, "read" or "read_file"
(read and file reports); it is shown once, stored as a hash (avvik/api/services.py), and
works for ``SERVICE_TOKEN_DAYS`` days unless revoked first. Every token of an
organisation belongs to its one service account: a user row without a password, without
memberships, that signs in nowhere (neither with a password nor through single sign-on)
and sees what the organisation's coordinators see, the cases it is party to
(avvik/reports/scope.py). A report filed with a service token has that account as its
reporter, so the case shows the organisation's quality system as where it came from.
Issuing and revoking are audited.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from avvik.api.models import ApiToken
from avvik.api.services import NAME_LIMIT, PREFIX_LENGTH, hash_token
from avvik.audit.services import audit
from avvik.core.errors import NotFound, ValidationFailed
from avvik.core.permissions import require_admin
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.organizations.models import Organization
from avvik.users.models import User

READ, READ_FILE = "read", "read_file"
SCOPES = (READ, READ_FILE)
#: Never a valid argon2 hash: no password opens the account.
NO_PASSWORD = "!service-account"


def service_account(organization: Organization) -> User:
    """The organisation's service account, made the first time it is needed."""
    account = db.session.scalar(select(User).filter_by(service_organization_id=organization.id))
    if account is None:
        account = User(username=f"service-{organization.id}",
                       full_name=f"{organization.name} (kvalitetssystem)", email="",
                       password_hash=NO_PASSWORD, is_active=True, is_admin=False,
                       service_organization_id=organization.id)
        db.session.add(account)
        db.session.flush()
    return account


def issue_service_token(actor: User, organization: Organization, name: str, scope: str, *,
                        now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token of the organisation's service account; returns the row and the token,
    which is never stored."""
    require_admin(actor)
    name = (name or "").replace("\x00", "").strip()
    errors = []
    if not name:
        errors.append(("name", str(_l("Give the token a name."))))
    elif len(name) > NAME_LIMIT:
        errors.append(("name", str(_l("At most %(n)d characters (now %(m)d).",
                                      n=NAME_LIMIT, m=len(name)))))
    if scope not in SCOPES:
        errors.append(("scope", str(_l("Choose what the token may do."))))
    if errors:
        raise ValidationFailed(errors)
    now = now or utcnow()
    plain = secrets.token_urlsafe(32)
    days = current_app.config["SERVICE_TOKEN_DAYS"]
    token = ApiToken(user=service_account(organization), name=name, scope=scope,
                     token_hash=hash_token(plain), prefix=plain[:PREFIX_LENGTH],
                     created_at=now, expires_at=now + timedelta(days=days),
                     issued_by_id=actor.id)
    db.session.add(token)
    db.session.flush()
    audit("service_token.issued", "api_token", token.id, actor=actor, now=now, detail={
        "organization_id": organization.id, "scope": scope,
        "expires_at": token.expires_at.isoformat()})
    return token, plain


def revoke_service_token(actor: User, organization: Organization, token: ApiToken, *,
                         now: datetime | None = None) -> ApiToken:
    """Stop one of the organisation's service tokens at once."""
    require_admin(actor)
    if token.scope is None or token.user.service_organization_id != organization.id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
        audit("service_token.revoked", "api_token", token.id, actor=actor,
              detail={"organization_id": organization.id}, now=token.revoked_at)
        db.session.flush()
    return token


def may_use(scope: str | None, method: str, endpoint: str) -> bool:
    """Whether a token of ``scope`` may make this API request: a personal token (None)
    all its owner may; "read" only reads; "read_file" also files reports."""
    if scope is None or method in ("GET", "HEAD", "OPTIONS"):
        return True
    return scope == READ_FILE and method == "POST" and endpoint == "api.create"
