"""Registering and removing an organisation's webhooks, and signing what they are sent.

The administrator registers a URL and is shown the shared secret once; it is kept
encrypted with the identity key (avvik/reports/vault.py). Each delivery is signed:
``Avvik-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``,
so the receiver can check who sent it and refuse an old one replayed (README, "Verifying
a webhook's signature").
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from avvik.audit.services import audit
from avvik.core.errors import NotFound, ValidationFailed
from avvik.core.permissions import require_admin
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.integrations.models import Webhook
from avvik.organizations.models import Organization
from avvik.reports.vault import cipher
from avvik.users.models import User

URL_LIMIT = 500
SIGNATURE_HEADER = "Avvik-Signature"


def url_errors(url: str) -> list[str]:
    """Why ``url`` cannot be a webhook: https (http outside production), a host, no
    credentials in it; outside production also a receiver on this machine."""
    parts = urlsplit(url)
    insecure = current_app.config["WEBHOOK_ALLOW_INSECURE"]
    if len(url) > URL_LIMIT:
        return [str(_l("At most %(n)d characters (now %(m)d).", n=URL_LIMIT, m=len(url)))]
    if parts.scheme != "https" and not (insecure and parts.scheme == "http"):
        return [str(_l("The address must begin with https://."))]
    if not parts.hostname or parts.username or parts.password:
        return [str(_l("Give the whole address of the receiver, without a user name or "
                       "password in it."))]
    if not insecure and is_local_host(parts.hostname):
        return [str(_l("The receiver cannot be this server itself."))]
    return []


def is_local_host(host: str) -> bool:
    """A name or address of this machine, or a link-local one (cloud metadata services):
    never a quality system's, and where a forged webhook could reach what it should not.
    Private ranges stay allowed: a hospital's quality system lives on its own network."""
    if host.lower() in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_link_local or address.is_unspecified \
        or address.is_multicast


def register_webhook(actor: User, organization: Organization, url: str, *,
                     now: datetime | None = None) -> tuple[Webhook, str]:
    """A new webhook of the organisation; returns it and its secret, shown only once."""
    require_admin(actor)
    url = (url or "").strip()
    errors = url_errors(url)
    if errors:
        raise ValidationFailed([("url", reason) for reason in errors])
    now = now or utcnow()
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook = Webhook(organization_id=organization.id, url=url, created_at=now,
                   created_by_id=actor.id, secret_ciphertext=cipher().encrypt(secret.encode()))
    db.session.add(hook)
    db.session.flush()
    # The address, not the secret: the audit trail is read by more people than the key.
    audit("webhook.registered", "webhook", hook.id, actor=actor, now=now,
          detail={"organization_id": organization.id, "url": url})
    return hook, secret


def remove_webhook(actor: User, organization: Organization, hook: Webhook, *,
                   now: datetime | None = None) -> Webhook:
    """Send the webhook nothing more; deliveries not yet made are given up."""
    require_admin(actor)
    if hook.organization_id != organization.id:
        raise NotFound()
    if hook.disabled_at is None:
        hook.disabled_at = now or utcnow()
        audit("webhook.removed", "webhook", hook.id, actor=actor, now=hook.disabled_at,
              detail={"organization_id": organization.id})
        db.session.flush()
    return hook


def secret_of(hook: Webhook) -> str:
    return cipher().decrypt(hook.secret_ciphertext).decode()


def rotate_webhook_secrets() -> int:
    """Re-encrypt every webhook's secret with the first identity key (``avvik
    rotate-identity-key``); returns how many."""
    fernet = cipher()
    hooks = db.session.scalars(select(Webhook)).all()
    for hook in hooks:
        hook.secret_ciphertext = fernet.rotate(hook.secret_ciphertext)
    db.session.flush()
    return len(hooks)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Avvik-Signature`` header's value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"
