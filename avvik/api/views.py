"""The signed-in user's API tokens: list (created, last used, expires), create (shown
once), revoke. Browser pages."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from avvik.api.forms import NewTokenForm
from avvik.api.queries import offers_api_tokens, shows_api_tokens, token_of, tokens_of
from avvik.api.services import create_token, revoke_token
from avvik.core.formviews import shown_again, shows_refusal
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.transactions import transactional
from avvik.users.models import User

bp = Blueprint("api_tokens", __name__, url_prefix="/api-tokens")


def _me() -> User:
    return current_user._get_current_object()


@bp.app_template_global("offers_api_tokens")
def _offers_api_tokens() -> bool:
    return offers_api_tokens(_me())


@bp.app_template_global("shows_api_tokens")
def _shows_api_tokens() -> bool:
    return shows_api_tokens(_me())


@bp.get("/")
def index() -> ResponseReturnValue:
    # Also for an owner of a token without the roles: they see it and may revoke it.
    if not shows_api_tokens(_me()):
        abort(403)
    return _render(NewTokenForm(formdata=None))


@bp.post("/")
@keeps_input_on_csrf_failure
@transactional(refused=shown_again)
def create() -> ResponseReturnValue:
    _require_token_role()
    form = NewTokenForm()
    if not form.validate_on_submit() or shows_refusal(form):
        return _render(form)
    token, plain = create_token(_me(), form.name.data)
    # Rendered, not redirected: the token must never pass through the session cookie. The
    # boundary commits before the page leaves.
    return _render(NewTokenForm(formdata=None), new_token=plain, new_name=token.name,
                   new_expires_at=token.expires_at)


@bp.post("/<int:token_id>/revoke")
@transactional
def revoke(token_id: int) -> ResponseReturnValue:
    token = token_of(_me(), token_id)
    if token is None:
        abort(404)
    revoke_token(_me(), token)
    flash(_("The token “%(name)s” is revoked and no longer works.", name=token.name),
          "success")
    # Back to the list, or to the profile of an owner the list is not for.
    return redirect(url_for("api_tokens.index" if shows_api_tokens(_me()) else "auth.profile"))


def _require_token_role() -> None:
    # Revoking stays open to every owner: a token can always be stopped.
    if not offers_api_tokens(_me()):
        abort(403)


def _render(form: NewTokenForm, new_token: str | None = None, new_name: str | None = None,
            new_expires_at: datetime | None = None) -> ResponseReturnValue:
    response = make_response(render_template(
        "api/tokens.html", form=form, tokens=tokens_of(_me()), new_token=new_token,
        new_name=new_name, new_expires_at=new_expires_at,
        token_days=current_app.config["API_TOKEN_DAYS"]))
    if new_token:
        response.headers["Cache-Control"] = "no-store"  # not kept in the browser's cache
    return response
