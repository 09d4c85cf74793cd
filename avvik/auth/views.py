"""Sign in, sign out, and the signed-in user's own profile.

Each post commits at the views' boundary (avvik/core/transactions.py). Failed attempts
are counted in Redis as they happen (avvik/auth/throttle.py), so a refusal rolls back
like any other. The one-time code step and the codes' own pages are in code_views.py.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user

from avvik.auth import code_views  # noqa: F401  (its routes join the blueprint)
from avvik.auth.blueprint import bp
from avvik.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from avvik.auth.known_browsers import is_known_browser
from avvik.auth.login import end_browser_session
from avvik.auth.oidc.sign_out import sign_out_url
from avvik.auth.oidc.views import bp as oidc_bp
from avvik.auth.pending import finish_sign_in, remember_pending_sign_in
from avvik.auth.services import change_password, check_password, set_language, sign_out
from avvik.auth.throttle import Throttled, wait_message
from avvik.auth.totp import has_totp
from avvik.core.errors import ValidationFailed
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.limits import client_address
from avvik.core.transactions import transactional
from avvik.core.urls import public_url, safe_next_url
from avvik.users.models import User

__all__ = ["bp"]

bp.register_blueprint(oidc_bp)  # /auth/oidc/...


def _me() -> User:
    return current_user._get_current_object()


def _login_page(form: LoginForm, status: int = 200,
                headers: dict[str, str] | None = None) -> ResponseReturnValue:
    form.password.data = ""  # never sent back to the browser
    return render_template("auth/login.html", form=form), status, headers or {}


def _sign_in_refused(error: Exception) -> ResponseReturnValue:
    """The form again, with the name as typed and why (and how long to wait)."""
    form = LoginForm()
    if isinstance(error, Throttled):
        form.form_errors.append(wait_message(error.retry_after))
        return _login_page(form, 429, {"Retry-After": str(error.retry_after)})
    if not isinstance(error, ValidationFailed):
        raise error
    form.apply_errors(error)
    return _login_page(form)


@bp.route("/login", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
# A refused sign-in's audit entry is kept: committed with the refusal, not rolled back.
@transactional(refused=_sign_in_refused, kept_when_refused=(ValidationFailed, Throttled))
def login() -> ResponseReturnValue:
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next_url(request.args.get("next")))
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        user = check_password(form.username.data, form.password.data,
                              address=client_address(),
                              known_browser=is_known_browser(form.username.data))
        if has_totp(user):  # the password was right; now the code from the app
            remember_pending_sign_in(user, form.next.data)
            return redirect(url_for("auth.code"))
        return finish_sign_in(user, form.next.data, method="password")
    return _login_page(form)


@bp.post("/logout")
@transactional
def logout() -> ResponseReturnValue:
    # After a single sign-on, on to the provider to end the session there too; it sends
    # the browser back to the sign-in page.
    at_provider = sign_out_url(public_url("auth.login"))
    sign_out(_me(), current_user.session_token)
    end_browser_session()
    flash(_("You are signed out."), "success")
    return redirect(at_provider or url_for("auth.login"))


@bp.get("/profile")
def profile() -> ResponseReturnValue:
    return _render_profile()


def _language_refused(error: Exception) -> ResponseReturnValue:
    if not isinstance(error, ValidationFailed):
        raise error
    form = LanguageForm()
    form.apply_errors(error)
    return _render_profile(language_form=form)


@bp.post("/profile/language")
@keeps_input_on_csrf_failure
@transactional(refused=_language_refused)
def language() -> ResponseReturnValue:
    form = LanguageForm()
    if not form.validate_on_submit():
        return _render_profile(language_form=form)
    set_language(_me(), form.locale.data)
    session["locale"] = form.locale.data
    refresh()  # the confirmation below is already in the chosen language
    flash(_("Your language is saved."), "success")
    return redirect(url_for("auth.profile"))


def _password_refused(error: Exception) -> ResponseReturnValue:
    """The form again with why; a wrong current password is counted already."""
    form = ChangePasswordForm()
    if isinstance(error, Throttled):
        form.current_password.errors = [wait_message(error.retry_after)]
        return _render_profile(password_form=form), 429, {
            "Retry-After": str(error.retry_after)}
    if not isinstance(error, ValidationFailed):
        raise error
    form.apply_errors(error)
    return _render_profile(password_form=form)


@bp.post("/profile/password")
@keeps_input_on_csrf_failure
@transactional(refused=_password_refused, kept_when_refused=(ValidationFailed, Throttled))
def password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _render_profile(password_form=form)
    me = _me()
    change_password(me, form.current_password.data, form.new_password.data,
                    current_token=me.session_token, address=client_address())
    flash(_("Your password is changed. You are signed out everywhere else, and your API "
            "tokens are revoked."), "success")
    return redirect(url_for("auth.profile"))


def _render_profile(language_form: LanguageForm | None = None,
                    password_form: ChangePasswordForm | None = None) -> str:
    # The form that was not sent starts empty, not filled from the other form's post.
    language_form = language_form or LanguageForm(
        formdata=None, locale=current_user.locale or str(get_locale()))
    password_form = password_form or ChangePasswordForm(formdata=None)
    return render_template("auth/profile.html", language_form=language_form,
                           password_form=password_form, codes_on=has_totp(_me()))
