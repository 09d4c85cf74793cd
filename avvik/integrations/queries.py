"""Read side of the integrations page: an organisation's tokens, webhooks and log."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from avvik.api.models import ApiToken
from avvik.extensions import db
from avvik.integrations.models import Webhook, WebhookDelivery
from avvik.users.models import User

#: Deliveries shown per webhook, newest first.
LOG_LENGTH = 50


def service_tokens_of(organization_id: int) -> Sequence[ApiToken]:
    """The organisation's service tokens, active first, newest first."""
    return db.session.scalars(
        select(ApiToken).join(User, ApiToken.user_id == User.id)
        .where(User.service_organization_id == organization_id)
        .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(),
                  ApiToken.id.desc())).all()


def service_token_of(organization_id: int, token_id: int) -> ApiToken | None:
    return next((t for t in service_tokens_of(organization_id) if t.id == token_id), None)


def webhooks_of(organization_id: int) -> Sequence[Webhook]:
    """The organisation's webhooks, active first."""
    return db.session.scalars(
        select(Webhook).where(Webhook.organization_id == organization_id)
        .order_by(Webhook.disabled_at.is_not(None), Webhook.id.desc())).all()


def deliveries_of(webhook_id: int, limit: int = LOG_LENGTH) -> Sequence[WebhookDelivery]:
    """The webhook's latest deliveries, newest first (its index, read backwards)."""
    return db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)).all()
