"""An organisation's integrations: its service tokens and webhooks, and their log.

    GET  /integrations/<org_id>                                 index
    POST /integrations/<org_id>/tokens                          issue_token
    POST /integrations/<org_id>/tokens/<token_id>/revoke        revoke_token
    POST /integrations/<org_id>/webhooks                        add_webhook
    POST /integrations/<org_id>/webhooks/<webhook_id>/remove    remove_webhook

Every route is for administrators only. A new token or secret is rendered, never
redirected: it must not pass through the session cookie, and is shown once.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from avvik.core.formviews import shown_again, shows_refusal
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.permissions import admin_required
from avvik.core.transactions import transactional
from avvik.extensions import db
from avvik.integrations import accounts, queries, webhooks
from avvik.integrations.forms import ServiceTokenForm, WebhookForm
from avvik.integrations.models import Webhook
from avvik.organizations.models import Organization

bp = Blueprint("integrations", __name__, url_prefix="/integrations")


def _organization(org_id: int) -> Organization:
    organization = db.session.get(Organization, org_id)
    if organization is None:
        abort(404)
    return organization


@bp.get("/<int:org_id>")
@admin_required
def index(org_id: int) -> ResponseReturnValue:
    return _render(_organization(org_id))


@bp.post("/<int:org_id>/tokens")
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def issue_token(org_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    form = ServiceTokenForm()
    if not form.validate_on_submit() or shows_refusal(form):
        return _render(organization, token_form=form)
    token, plain = accounts.issue_service_token(current_user, organization, form.name.data,
                                                form.scope.data)
    return _render(organization, shown={"token": plain, "name": token.name,
                                        "expires_at": token.expires_at})


@bp.post("/<int:org_id>/tokens/<int:token_id>/revoke")
@admin_required
@transactional
def revoke_token(org_id: int, token_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    token = queries.service_token_of(organization.id, token_id)
    if token is None:
        abort(404)
    accounts.revoke_service_token(current_user, organization, token)
    flash(_("The token “%(name)s” is revoked and no longer works.", name=token.name),
          "success")
    return redirect(url_for(".index", org_id=organization.id))


@bp.post("/<int:org_id>/webhooks")
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def add_webhook(org_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    form = WebhookForm()
    if not form.validate_on_submit() or shows_refusal(form):
        return _render(organization, webhook_form=form)
    hook, secret = webhooks.register_webhook(current_user, organization, form.url.data)
    return _render(organization, shown={"secret": secret, "url": hook.url})


@bp.post("/<int:org_id>/webhooks/<int:webhook_id>/remove")
@admin_required
@transactional
def remove_webhook(org_id: int, webhook_id: int) -> ResponseReturnValue:
    organization = _organization(org_id)
    hook = db.session.get(Webhook, webhook_id)
    if hook is None or hook.organization_id != organization.id:
        abort(404)
    webhooks.remove_webhook(current_user, organization, hook)
    flash(_("The webhook is removed: nothing more is sent to it."), "success")
    return redirect(url_for(".index", org_id=organization.id))


def _render(organization: Organization, *, token_form: ServiceTokenForm | None = None,
            webhook_form: WebhookForm | None = None,
            shown: dict[str, Any] | None = None) -> ResponseReturnValue:
    hooks = queries.webhooks_of(organization.id)
    response = make_response(render_template(
        "integrations/index.html", organization=organization,
        token_form=token_form or ServiceTokenForm(formdata=None),
        webhook_form=webhook_form or WebhookForm(formdata=None),
        tokens=queries.service_tokens_of(organization.id), webhooks=hooks,
        logs={hook.id: queries.deliveries_of(hook.id) for hook in hooks}, shown=shown or {}))
    if shown:
        response.headers["Cache-Control"] = "no-store"  # not kept in the browser's cache
    return response
