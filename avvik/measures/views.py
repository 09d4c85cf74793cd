"""Pages for measures (tiltak).

    GET       /measures/                        index: the measures I may see, overdue marked
    GET, POST /measures/new?report_id=<id>      new: a measure for that case (and others)
    GET       /measures/<id>                    detail
    GET, POST /measures/<id>/edit               edit: text, owner, dates, status
    GET, POST /measures/<id>/evaluate           evaluate: start date and evaluation note
    POST      /measures/<id>/link               link: a further case, by case number
    POST      /measures/<id>/unlink/<report_id> unlink: take a case off the measure
    POST      /measures/<id>/cancel             cancel (a measure is never deleted)

The case page includes templates/measures/_for_case.html, which uses the template
globals registered at the end of this module.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from avvik.core.errors import NotFound, PermissionDenied
from avvik.core.formviews import acted, saved, shown_again
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.ids import page_number, row_id
from avvik.core.transactions import transactional
from avvik.dashboards.charts import marked_points
from avvik.dashboards.svg import run_chart_svg
from avvik.extensions import db
from avvik.measures import queries, services
from avvik.measures.evaluation import evaluate_measure
from avvik.measures.forms import (
    CancelForm,
    EvaluateForm,
    LinkForm,
    MeasureForm,
    NewMeasureForm,
    UnlinkForm,
    status_or_none,
)
from avvik.measures.labels import STATUS_LABELS, status_label
from avvik.measures.models import Measure, MeasureStatus
from avvik.reports.models import Report
from avvik.reports.scope import can_view
from avvik.users.models import Role, User

bp = Blueprint("measures", __name__, url_prefix="/measures")


def _me() -> User:
    return current_user._get_current_object()


def _measure(measure_id: int, *, manage: bool = False) -> Measure:
    measure = queries.get_measure(_me(), measure_id)
    if manage and not services.may_manage(_me(), measure):
        raise PermissionDenied()
    return measure


@bp.get("/")
def index() -> ResponseReturnValue:
    filters = queries.MeasureFilter(status=status_or_none(request.args.get("status", "")),
                                    overdue=request.args.get("overdue") == "1")
    page = queries.list_measures(_me(), filters, page=request.args.get("page", 1, type=page_number))
    return render_template("measures/index.html", page=page, filters=filters,
                           statuses=STATUS_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@transactional(refused=shown_again)
def new() -> ResponseReturnValue:
    report_id = request.args.get("report_id", type=row_id)
    report = db.session.get(Report, report_id) if report_id else None
    if report is None or not can_view(_me(), report):
        raise NotFound()
    if not services.may_create_on(_me(), report):
        raise PermissionDenied()
    units = queries.owning_unit_choices(services.involved_organization_ids([report]))
    form = NewMeasureForm(units=units,
                          statuses=[MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS])
    done = saved(form, lambda: services.create_measure(
                     _me(), [report], form.to_input(), case_numbers=form.case_numbers.data or ""),
                 _("The measure was created."), _detail_url)
    return done or render_template("measures/form.html", form=form, report=report,
                                   measure=None)


@bp.get("/<int:measure_id>")
def detail(measure_id: int) -> ResponseReturnValue:
    return _render_detail(_measure(measure_id), LinkForm())


@bp.route("/<int:measure_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@transactional(refused=shown_again)
def edit(measure_id: int) -> ResponseReturnValue:
    measure = _measure(measure_id, manage=True)
    units = queries.owning_unit_choices(services.involved_organization_ids(measure.reports))
    statuses = [s for s in MeasureStatus
                if s == measure.status or s in services.NEXT_STATUSES[measure.status]]
    form = MeasureForm(obj=measure, units=units, statuses=statuses)
    done = saved(form, lambda: services.update_measure(_me(), measure, form.to_input()),
                 _("The measure was saved."), lambda _: _detail_url(measure))
    return done or render_template("measures/form.html", form=form, report=None,
                                   measure=measure)


@bp.route("/<int:measure_id>/evaluate", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@transactional(refused=shown_again)
def evaluate(measure_id: int) -> ResponseReturnValue:
    measure = _measure(measure_id, manage=True)
    form = EvaluateForm(obj=measure)
    done = saved(form, lambda: services.evaluate_measure(
                     _me(), measure, form.evaluation_note.data, form.start_date.data),
                 _("The evaluation was saved."), lambda _: _detail_url(measure))
    return done or render_template("measures/evaluate.html", form=form, measure=measure,
                                   counts=_counts(measure))


@bp.post("/<int:measure_id>/link")
@keeps_input_on_csrf_failure
@transactional(refused=shown_again)
def link(measure_id: int) -> ResponseReturnValue:
    measure = _measure(measure_id)
    form = LinkForm()
    done = saved(form, lambda: services.link_report(
                     _me(), measure, services.report_by_case_number(_me(), form.case_number.data)),
                 _("The case was linked to the measure."), lambda _: _detail_url(measure))
    return done or _render_detail(measure, form)


@bp.post("/<int:measure_id>/unlink/<int:report_id>")
@transactional(refused=shown_again)
def unlink(measure_id: int, report_id: int) -> ResponseReturnValue:
    measure = _measure(measure_id, manage=True)
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound()
    if not UnlinkForm().validate_on_submit():
        abort(400)
    return acted(lambda: services.unlink_report(_me(), measure, report),
                 _("Case %(number)s is no longer linked to the measure.",
                   number=report.case_number), _detail_url(measure))


@bp.post("/<int:measure_id>/cancel")
@transactional(refused=shown_again)
def cancel(measure_id: int) -> ResponseReturnValue:
    measure = _measure(measure_id, manage=True)
    if not CancelForm().validate_on_submit():
        abort(400)
    return acted(lambda: services.cancel_measure(_me(), measure),
                 _("The measure was cancelled."), _detail_url(measure))


def _detail_url(measure: Measure) -> str:
    return url_for(".detail", measure_id=measure.id)


def _render_detail(measure: Measure, link_form: LinkForm) -> str:
    me = _me()
    return render_template(
        "measures/detail.html", measure=measure, link_form=link_form,
        reports=queries.visible_reports(me, measure), counts=_counts(measure),
        may_manage=services.may_manage(me, measure),
        may_link=services.may_manage(me, measure) or me.has_role(Role.LEADER,
                                                                 Role.COORDINATOR),
        cancel_form=CancelForm(), unlink_form=UnlinkForm())


def _counts(measure: Measure) -> dict[str, Any] | None:
    found = evaluate_measure(measure)
    if found is None:
        return None
    in_full = queries.counts_shown_in_full(_me(), measure)
    # Outside the counted organisation a count of 1-4 is hidden, and so is all that is
    # worked out from it: its rate, the medians, the verdict and the chart's point.
    hidden = not in_full and any(0 < m.count < 5 for m in found.before + found.after)
    months = found.before + found.after
    values = [None if hidden and 0 < m.count < 5 else v
              for m, v in zip(months, found.values(months), strict=True)]
    chart = None if hidden or not found.before else found.chart
    marked = [False] * len(found.before) + (marked_points(chart) if chart
                                            else [False] * len(found.after))
    drawing = run_chart_svg(values, [f"{m.month:%Y-%m}" for m in months],
                            median=None if hidden else found.median_before,
                            title=measure.title, marked=marked,
                            split=len(found.before) or None)
    me = _me()
    return {"data": found, "in_full": in_full, "hidden": hidden, "chart": chart,
            "svg": drawing,
            "may_register": me.is_admin or me.has_role(Role.LEADER, Role.QUALITY_ADVISER)}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"case_url": case_url}


def case_url(report: Report) -> str | None:
    """The case page's address, once the cases' pages exist (None before)."""
    try:
        rule = next(current_app.url_map.iter_rules("reports.detail"))
    except (KeyError, StopIteration):
        return None
    return url_for("reports.detail", **{next(iter(rule.arguments)): report.id})


@bp.app_template_global("measures_for_report")
def _measures_for_report(report_id: int) -> list[Measure]:
    return queries.measures_for_report(report_id)


@bp.app_template_global("may_create_measure")
def _may_create_measure(report: Report) -> bool:
    return current_user.is_authenticated and services.may_create_on(_me(), report)


@bp.app_template_global("measure_is_overdue")
def _measure_is_overdue(measure: Measure) -> bool:
    return queries.is_overdue(measure)


@bp.app_template_global("measure_status_label")
def _measure_status_label(status: MeasureStatus) -> str:
    return status_label(status)
