"""Sign in, sign out, and the signed-in user's own profile.

Each post commits at the views' boundary (avvik/core/transactions.py). A refused sign-in
or password change is the exception: the failed attempt it counted is committed with the
refusal (``kept_when_refused``), so that it counts towards the lock on the user name.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user

from avvik.auth.forms import ChangePasswordForm, LanguageForm, LoginForm
from avvik.auth.login import end_browser_session, start_browser_session
from avvik.auth.services import change_password, set_language, sign_in, sign_out
from avvik.core.errors import ValidationFailed
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.transactions import transactional
from avvik.core.urls import safe_next_url
from avvik.users.models import User

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _me() -> User:
    return current_user._get_current_object()


def _login_page(form: LoginForm) -> str:
    form.password.data = ""  # never sent back to the browser
    return render_template("auth/login.html", form=form)


def _sign_in_refused(error: Exception) -> ResponseReturnValue:
    """The form again, with the name as typed and why; the attempt is counted already."""
    if not isinstance(error, ValidationFailed):
        raise error
    form = LoginForm()
    form.apply_errors(error)
    return _login_page(form)


@bp.route("/login", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
# The failed attempt must count although sign-in is refused: committed, not rolled back.
@transactional(refused=_sign_in_refused, kept_when_refused=(ValidationFailed,))
def login() -> ResponseReturnValue:
    form = LoginForm()
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(safe_next_url(request.args.get("next")))
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        # Read before sign_in: it sets the new token on the very same User object.
        previous = _me() if current_user.is_authenticated else None
        previous_token = previous.session_token if previous is not None else None
        user = sign_in(form.username.data, form.password.data)
        sign_out(previous, previous_token)  # signing in again over an open session
        start_browser_session(user)
        return redirect(safe_next_url(form.next.data))
    return _login_page(form)


@bp.post("/logout")
@transactional
def logout() -> ResponseReturnValue:
    sign_out(_me(), current_user.session_token)
    end_browser_session()
    flash(_("You are signed out."), "success")
    return redirect(url_for("auth.login"))


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
    if not isinstance(error, ValidationFailed):
        raise error
    form = ChangePasswordForm()
    form.apply_errors(error)
    return _render_profile(password_form=form)


@bp.post("/profile/password")
@keeps_input_on_csrf_failure
# A wrong current password counts as a failed attempt: committed, not rolled back.
@transactional(refused=_password_refused, kept_when_refused=(ValidationFailed,))
def password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return _render_profile(password_form=form)
    me = _me()
    change_password(me, form.current_password.data, form.new_password.data,
                    current_token=me.session_token)
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
                           password_form=password_form)
