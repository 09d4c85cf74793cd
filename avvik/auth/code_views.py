"""One-time codes: the sign-in's second step, and setting codes up or turning them off.

Thin views over avvik/auth/two_factor.py; each post commits at the boundary
(avvik/core/transactions.py). A wrong code is counted in Redis as it happens.
"""

from __future__ import annotations

from collections.abc import Callable

import segno
from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from avvik.auth.blueprint import bp
from avvik.auth.forms import CodeForm, ConfirmCodesForm, TurnOffCodesForm
from avvik.auth.pending import finish_sign_in, pending_next_url, pending_user
from avvik.auth.recovery import unused_recovery_codes
from avvik.auth.throttle import Throttled, wait_message
from avvik.auth.totp import (
    codes_required,
    enrolment_of,
    provisioning_uri,
    secret_of,
    start_enrolment,
)
from avvik.auth.two_factor import check_second_factor, turn_off_codes, turn_on_codes
from avvik.core.errors import ValidationFailed
from avvik.core.forms import AppForm
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.limits import client_address
from avvik.core.transactions import transactional
from avvik.users.models import User


def _me() -> User:
    return current_user._get_current_object()


def _refused(form_class: type[AppForm], page: Callable[[AppForm], str]
             ) -> Callable[[Exception], ResponseReturnValue]:
    """A refusal handler: ``page`` again with the form as sent and why, or with how long
    to wait (429) when the attempt was throttled."""
    def refused(error: Exception) -> ResponseReturnValue:
        form = form_class()
        if isinstance(error, Throttled):
            form.form_errors.append(wait_message(error.retry_after))
            return page(form), 429, {"Retry-After": str(error.retry_after)}
        if not isinstance(error, ValidationFailed):
            raise error
        form.apply_errors(error)
        return page(form)
    return refused


def _code_page(form: AppForm) -> str:
    return render_template("auth/code.html", form=form)


@bp.route("/code", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@transactional(refused=_refused(CodeForm, _code_page))
def code() -> ResponseReturnValue:
    user = pending_user()
    if user is None:
        flash(_("Sign in again: the time to type the code ran out."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        check_second_factor(user, form.code.data, address=client_address())
        return finish_sign_in(user, pending_next_url(), method="password+code")
    return _code_page(form)


@bp.get("/two-factor")
def two_factor() -> ResponseReturnValue:
    return _two_factor_page()


@bp.post("/two-factor/start")
@transactional
def start_codes() -> ResponseReturnValue:
    start_enrolment(_me())
    return redirect(url_for("auth.two_factor"))


@bp.post("/two-factor/confirm")
@keeps_input_on_csrf_failure
@transactional(refused=_refused(
    ConfirmCodesForm, lambda form: _two_factor_page(confirm_form=form)))
def confirm_codes() -> ResponseReturnValue:
    form = ConfirmCodesForm()
    if not form.validate_on_submit():
        return _two_factor_page(confirm_form=form)
    recovery_codes = turn_on_codes(_me(), form.code.data, address=client_address())
    # Shown here once, never stored readable: not through a redirect and the session.
    return render_template("auth/recovery_codes.html", recovery_codes=recovery_codes)


@bp.post("/two-factor/off")
@keeps_input_on_csrf_failure
@transactional(refused=_refused(
    TurnOffCodesForm, lambda form: _two_factor_page(off_form=form)))
def turn_off() -> ResponseReturnValue:
    form = TurnOffCodesForm()
    if not form.validate_on_submit():
        return _two_factor_page(off_form=form)
    turn_off_codes(_me(), form.password.data, form.code.data, address=client_address())
    flash(_("One-time codes are turned off. Sign-in asks for your password only."),
          "success")
    return redirect(url_for("auth.profile"))


def _two_factor_page(confirm_form: AppForm | None = None,
                     off_form: AppForm | None = None) -> str:
    me = _me()
    enrolment = enrolment_of(me)
    context: dict[str, object] = {"enrolment": enrolment, "required": codes_required(me)}
    if enrolment is not None and enrolment.confirmed_at is None:
        secret = secret_of(enrolment)
        uri = provisioning_uri(me, secret)
        context.update(
            secret_groups=[secret[i:i + 4] for i in range(0, len(secret), 4)], uri=uri,
            qr=Markup(segno.make(uri, error="m").svg_inline(
                scale=5, light="#fff", title=_("QR code for the authenticator app"))))
    if enrolment is not None and enrolment.confirmed_at is not None:
        context["recovery_left"] = unused_recovery_codes(me)
    return render_template("auth/two_factor.html",
                           confirm_form=confirm_form or ConfirmCodesForm(formdata=None),
                           off_form=off_form or TurnOffCodesForm(formdata=None), **context)
