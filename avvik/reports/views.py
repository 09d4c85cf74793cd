"""The case pages: the report form, the case page with its steps, and the lists.

    GET        /reports/                   index: my reports, my unit's inbox, my organisation
    GET, POST  /reports/new                new: the report form (save as draft, or submit)
    GET        /reports/<id>               detail: the case page
    GET, POST  /reports/<id>/edit          edit: a draft, by its reporter
    POST       /reports/<id>/<step>        act: acknowledge, answer, close, reopen, forward,
                                           withdraw, approve, return, comment
    POST       /reports/<id>/identity      identity: the patient identity, once, with a reason

A case the user may not see is a 404 on every route, the step URLs included.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from avvik.audit.services import audit
from avvik.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from avvik.core.forms import select_choices
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.timeutil import utcnow
from avvik.core.transactions import transactional
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity, Unit
from avvik.reports import (
    decline_form,
    labels,
    moves,
    presenting,
    reads,
    scope,
    serious,
    submissions,
    vault,
)
from avvik.reports.forms import IdentityForm, ReportForm
from avvik.reports.links import MATCH_DAYS, case_links
from avvik.reports.list_forms import ListFilterForm
from avvik.reports.models import Report, ReportStatus
from avvik.reports.notices import notices_of
from avvik.reports.queries import (
    Within,
    available_views,
    default_view,
    list_reports,
    passed_deadlines,
)
from avvik.reports.services import (
    create_draft,
    mark_answer_delivered,
    submit_report,
    update_draft,
)
from avvik.reports.services.drafting import default_reporting_unit_id, file_report
from avvik.reports.steps import STEPS
from avvik.stats.scope import stats_reach
from avvik.users.models import User

bp = Blueprint("reports", __name__, url_prefix="/reports")
PER_PAGE = 25
CHANGED = _l("Someone else changed the case while you were working on it. Nothing was "
             "saved: look at the case as it is now and try again.")


def _me() -> User:
    return current_user._get_current_object()


def _visible(report_id: int) -> Report:
    report = db.session.get(Report, report_id)
    if report is None or not scope.can_view(_me(), report):
        abort(404)
    return report


def keep_key(kind: str, object_id: int | str) -> str:
    """Where the browser keeps unsent text (localStorage): per user, form and case."""
    return f"avvik:{_me().id}:{kind}:{object_id}"


def _forget_kept(*keys: str) -> None:
    # The next page the browser shows tells its script to drop these keys: the text is
    # saved on the server now.
    session["kept_saved"] = [*session.get("kept_saved", []), *keys]


@bp.after_request
def _never_cache(response: Response) -> Response:
    # Cases hold health data, and the identity page the patient's identity.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def _template_helpers() -> dict[str, Any]:
    return {"status_label": labels.status_label, "status_color": labels.status_color,
            "consequence_label": labels.consequence_label, "keep_key": keep_key,
            "overdue_label": labels.overdue_label,
            "CONSEQUENCE_LEVELS": labels.CONSEQUENCE_LEVELS,
            "identity_excerpts": presenting.identity_excerpts,
            "is_serious": serious.is_serious, "notices_of": notices_of,
            "kept_saved": lambda: session.pop("kept_saved", [])}


# The report form ---------------------------------------------------------------------------


def _report_form(report: Report | None = None) -> ReportForm:
    me = _me()
    form = ReportForm(obj=report)
    units = sorted({m.unit for m in me.memberships if m.unit.is_active}, key=lambda u: u.name)
    form.offer_choices(units, default_reporting_unit_id(me))
    if report is None:
        form.suggest(me.id)
    form.issue_token(submissions.new_token())
    return form


def _save(form: ReportForm, report: Report | None) -> Report:
    me, data = _me(), form.to_input()
    token = submissions.usable(form.form_token.data)
    if not form.submit.data:
        return (update_draft(me, report, data, submission_token=token) if report
                else create_draft(me, data, submission_token=token))
    if report is None:  # validated once, every problem at once
        return file_report(me, data, submission_token=token)
    return submit_report(me, report, data, submission_token=token)


def _saved(saved: Report, report: Report | None) -> Response:
    """Where a successful post of the report form leads: the draft, or the case."""
    _forget_kept(keep_key("report", report.id if report else "new"),
                 keep_key("report", saved.id))
    if saved.status == ReportStatus.DRAFT:
        flash(_("The draft is saved. You find it under My reports."), "success")
        return redirect(url_for(".edit", report_id=saved.id))
    flash(_("Report %(number)s is submitted.", number=saved.case_number)
          if saved.status != ReportStatus.AWAITING_APPROVAL else
          _("Report %(number)s is waiting for your leader's approval.",
            number=saved.case_number), "success")
    return redirect(url_for(".detail", report_id=saved.id))


def _sent_before(report: Report | None) -> Response | None:
    """The first answer again, when this post repeats one that saved a report already.

    Checked before anything else: the repeat of a submission finds a case that is no
    longer a draft, and must not be told that only drafts can be changed.
    """
    if request.method != "POST" or g.get("csrf_failed"):
        return None
    earlier = submissions.saved_with(_me(), request.form.get("form_token"))
    return _saved(earlier, report) if earlier is not None else None


def _report_form_view(report: Report | None) -> ResponseReturnValue:
    form = _report_form(report)
    if form.validate_on_submit():
        return _saved(_save(form, report), report)
    return _render_form(form, report, 400 if request.method == "POST" else 200)


def _render_form(form: ReportForm, report: Report | None, status: int) -> ResponseReturnValue:
    return render_template("reports/form.html", form=form, report=report,
                           has_identity=report is not None and vault.has_identity(report)
                           ), status


def _form_refused(error: Exception) -> ResponseReturnValue:
    """A post of the report form refused, rolled back (nothing half-saved): the first
    answer again if a twin post saved the report meanwhile; else the form again, built
    anew from the post so that what was typed is kept, with why."""
    report_id = (request.view_args or {}).get("report_id")
    report = _visible(report_id) if report_id is not None else None
    if isinstance(error, (IntegrityError, StaleDataError)):
        # The same page posted twice at once: the other post saved it (the token's
        # unique index, or the draft's version, stopped this one).
        repeated = _sent_before(report)
        if repeated is not None:
            return repeated
        if isinstance(error, IntegrityError):
            raise error
    elif not isinstance(error, ValidationFailed):
        raise error
    form = _report_form(report)
    if isinstance(error, ValidationFailed):
        form.apply_errors(error)
        return _render_form(form, report, 422)
    form.form_errors.append(str(CHANGED))
    return _render_form(form, report, 409)


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@transactional(refused=_form_refused)
def new() -> ResponseReturnValue:
    return _sent_before(None) or _report_form_view(None)


@bp.route("/<int:report_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@transactional(refused=_form_refused)
def edit(report_id: int) -> ResponseReturnValue:
    report = _visible(report_id)
    repeated = _sent_before(report)
    if repeated is not None:
        return repeated
    if report.status != ReportStatus.DRAFT or report.reporter_id != _me().id:
        flash(_("Only a draft can be changed, and only by its reporter."), "error")
        return redirect(url_for(".detail", report_id=report.id))
    return _report_form_view(report)


# The case page and its steps ---------------------------------------------------------------


def _forward_choices(report: Report) -> list[SelectChoice]:
    units = db.session.scalars(
        db.select(Unit).filter_by(organization_id=report.receiving_organization_id,
                                  is_active=True).order_by(Unit.name)).all()
    return select_choices(
        ((u.id, f"{u.parent.name} / {u.name}" if u.parent else u.name)
         for u in units if u.id != report.responsible_unit_id), _("Choose unit"))


def _render_case(report: Report, bound: dict[str, Any] | None = None,
                 status: int = 200) -> ResponseReturnValue:
    viewer = presenting.viewer_for(_me(), report)
    forms: dict[str, Any] = {
        step: STEPS[step].form(formdata=None, prefix=step, version=report.version)
        for step in viewer.steps}
    forms.update(bound or {})
    if "forward" in forms:
        forms["forward"].unit_id.choices = _forward_choices(report)
    if "decline" in forms:
        decline_form.offer_choices(forms["decline"], report)
    forms.setdefault("identity", IdentityForm(formdata=None, prefix="identity"))
    now = utcnow()
    events = list(report.events)
    return render_template(
        "reports/detail.html", report=report, viewer=viewer, forms=forms, events=events,
        deadlines=presenting.deadlines(report, now), overdue=passed_deadlines(report, now),
        names=presenting.timeline_names(report, events),
        case_links=case_links(report, _me(), viewer.steps), match_days=MATCH_DAYS), status


@bp.get("/<int:report_id>")
@transactional
def detail(report_id: int) -> ResponseReturnValue:
    sent_away = _moved_away(report_id)
    if sent_away is not None:  # forwarded or redirected out of the viewer's reach
        return render_template("reports/moved.html", moved=sent_away)
    report = _visible(report_id)
    # Every read of a case is on the audit trail (Normen), committed with the marks below.
    audit("report.read", "report", report.id, actor=_me(), detail={"via": "page"})
    if report.status == ReportStatus.ANSWERED and scope.is_on_reporting_side(_me(), report):
        _deliver_answer(report)  # the reporting side has the answer in front of it now
    seen = utcnow()  # what the page shows is read from here on: its list markers go
    page = _render_case(report)
    reads.mark_seen(_me(), report, seen)
    return page  # both marks are committed at the boundary


def _deliver_answer(report: Report) -> None:
    try:
        with db.session.begin_nested():  # undone alone: the page is shown all the same
            mark_answer_delivered(report)
    except StaleDataError:
        pass  # someone else acted on the case at the same moment; the next view marks it


def _moved_away(report_id: int) -> moves.Moved | None:
    report = db.session.get(Report, report_id)
    if report is None or scope.can_view(_me(), report):
        return None
    return moves.moved_notice(_me(), report)


def _step_refused(error: Exception) -> ResponseReturnValue:
    """A step the service refused, rolled back: the case page again with what was typed
    (the form built anew from the post) and why; or, for the wrong status or person, the
    case as it is with the reason."""
    args = request.view_args or {}
    report_id, step = args["report_id"], args["step"]
    if isinstance(error, (IllegalTransition, PermissionDenied)):
        flash(str(error) if isinstance(error, IllegalTransition)
              else _("You cannot take this step on this case."), "error")
        return redirect(url_for(".detail", report_id=report_id))
    if not isinstance(error, (ValidationFailed, StaleDataError)):
        raise error
    form = STEPS[step].form(prefix=step)
    if isinstance(error, ValidationFailed):
        form.apply_errors(error)
    else:
        flash(str(CHANGED), "error")
    return _render_case(_visible(report_id), {step: form},
                        422 if isinstance(error, ValidationFailed) else 409)


@bp.post(f"/<int:report_id>/<any({', '.join(STEPS)}):step>")
@keeps_input_on_csrf_failure
@transactional(refused=_step_refused)
def act(report_id: int, step: str) -> ResponseReturnValue:
    report = _visible(report_id)
    spec = STEPS[step]
    form = spec.form(prefix=step)
    if not form.validate_on_submit():
        return _render_case(report, {step: form}, 400)
    if spec.versioned and form.version.data not in (None, "", str(report.version)):
        flash(str(CHANGED), "error")
        return _render_case(report, {step: form}, 409)
    spec.run(_me(), report, form.data)
    _forget_kept(keep_key(step, report_id))
    flash(str(spec.done), "success")
    if spec.removes:  # the case is gone, with any text the browser kept for its form
        _forget_kept(keep_key("report", report_id))
        return redirect(url_for(".index"))
    return redirect(url_for(".detail", report_id=report_id))


def _identity_refused(error: Exception) -> ResponseReturnValue:
    if isinstance(error, PermissionDenied):
        abort(404)
    if not isinstance(error, ValidationFailed):
        raise error
    form = IdentityForm(prefix="identity")  # the reason as it was typed
    form.apply_errors(error)
    return _render_case(_visible((request.view_args or {})["report_id"]), {"identity": form},
                        422)


@bp.post("/<int:report_id>/identity")
@keeps_input_on_csrf_failure
@transactional(refused=_identity_refused)
def identity(report_id: int) -> ResponseReturnValue:
    report = _visible(report_id)
    if not (vault.has_identity(report) and vault.may_view_identity(_me(), report)):
        abort(404)  # as if there were nothing: only those who may see it learn it exists
    form = IdentityForm(prefix="identity")
    if not form.validate_on_submit():
        return _render_case(report, {"identity": form}, 400)
    # Shown only once the reading is logged: the boundary commits before the page leaves.
    shown = vault.view_identity(_me(), report, form.reason.data or "")
    return render_template("reports/identity.html", report=report, identity=shown)


# The lists ---------------------------------------------------------------------------------


def counted_within(user: User) -> Within | None:
    """The reach of the user's statistics as a list filter (None: everything)."""
    reach = stats_reach(user)
    return None if reach.everything else Within(reach.organizations, reach.units)


def _community_ids(user: User) -> list[int]:
    """The communities whose catalogue, organisations and units the filters offer: every
    one for administrators, as their dashboards do, so that a figure's link keeps all
    its filters."""
    if user.is_admin:
        return sorted(db.session.scalars(db.select(HealthCommunity.id)))
    return sorted({m.unit.organization.health_community_id for m in user.memberships})


@bp.get("/")
def index() -> ResponseReturnValue:
    me = _me()
    views = available_views(me)
    form = ListFilterForm(formdata=request.args, meta={"csrf": False})
    form.offer_choices([(v.value, str(labels.LIST_VIEW_LABELS[v])) for v in views],
                       _community_ids(me))
    problems = form.problems()
    filters = form.to_filter(views, default_view(me, views))
    if form.counted.data:
        filters.within = counted_within(me)
    page = list_reports(me, filters, page=form.page.data or 1, per_page=PER_PAGE)
    return render_template("reports/index.html", form=form, page=page, problems=problems,
                           views=views, current=filters.view, now=utcnow(),
                           passed_deadlines=passed_deadlines,
                           view_labels=labels.LIST_VIEW_LABELS,
                           markers=reads.markers(me, scope.reach_of(me), page.items))
