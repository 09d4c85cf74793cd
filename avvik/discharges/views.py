"""Discharges per unit and month, the denominator of the measures' rates.

    GET       /discharges/         the form, the paste box and the latest figures
    POST      /discharges/         register one month of one unit
    POST      /discharges/lines    register many lines pasted from a spreadsheet or CSV
"""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.core.formviews import saved, shown_again
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.transactions import transactional
from avvik.discharges import queries, services
from avvik.discharges.forms import DischargeFileForm, DischargeForm
from avvik.users.models import User

bp = Blueprint("discharges", __name__, url_prefix="/discharges")


def _me() -> tuple[User, list[tuple[int, str]]]:
    me = current_user._get_current_object()
    units = queries.registrable_units(me)
    if not units:
        raise PermissionDenied()
    return me, units


def _page(units: list[tuple[int, str]], form: DischargeForm,
          file_form: DischargeFileForm) -> str:
    return render_template("discharges/index.html", form=form, file_form=file_form,
                           rows=queries.latest([u for u, _n in units]), names=dict(units))


@bp.route("/", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@transactional(refused=shown_again)
def index() -> ResponseReturnValue:
    me, units = _me()
    form = DischargeForm(units=units)

    def register() -> object:
        month = services.parse_month(form.month.data or "")
        count = form.count.data or ""
        problems = [("month", _("Write the month as YYYY-MM."))] if month is None else []
        if not count.isdigit():
            problems.append(("count", _("Give a whole number from 0 to %(max)d.",
                                        max=services.MAX_COUNT)))
        if problems:
            raise ValidationFailed(problems)
        return services.register_discharges(me, services.DischargeInput(
            form.unit_id.data or 0, month, int(count)))  # type: ignore[arg-type]

    done = saved(form, register, _("The discharges were registered."),
                 lambda _row: url_for(".index"))
    return done or _page(units, form, DischargeFileForm(formdata=None))


@bp.post("/lines")
@keeps_input_on_csrf_failure
@transactional(refused=shown_again)
def lines() -> ResponseReturnValue:
    me, units = _me()
    file_form = DischargeFileForm()
    done = saved(file_form, lambda: services.import_discharges(me, file_form.lines.data or ""),
                 _("The lines were registered."), lambda _n: url_for(".index"))
    return done or _page(units, DischargeForm(formdata=None, units=units), file_form)
