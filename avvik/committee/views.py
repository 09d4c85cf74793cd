"""The joint committee's agenda, for its secretariat (who works it) and members (who read).

    GET   /committee/                      index: open items by meeting, then unscheduled
    GET   /committee/items/<id>            item: the case's free text and timeline, the forms
    POST  /committee/items/<id>/<step>     act: meeting, conclusion, resolve
    GET   /committee/meetings/<id>         meeting: the agenda to hand out (print or save)

An item the user may not read is a 404; the patient identity is never on these pages.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from avvik.audit.services import audit
from avvik.committee import access, decisions, queries
from avvik.committee.forms import AgendaFilterForm, ConclusionForm, MeetingForm, ResolveForm
from avvik.committee.labels import SOURCE_LABELS, STATUS_LABELS
from avvik.committee.linked import linked_items
from avvik.committee.models import AgendaItem, AgendaStatus, Meeting
from avvik.core.errors import IllegalTransition, PermissionDenied, ValidationFailed
from avvik.core.forms import select_choices
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.transactions import transactional
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity
from avvik.reports import labels, presenting
from avvik.users.models import User

bp = Blueprint("committee", __name__, url_prefix="/committee")
FORMS = {"meeting": MeetingForm, "conclusion": ConclusionForm, "resolve": ResolveForm}
DONE = {"meeting": _l("The meeting is set."), "conclusion": _l("The conclusion is recorded."),
        "resolve": _l("The committee's handling is done and the parties are told.")}


def _me() -> User:
    return current_user._get_current_object()


@bp.after_request
def _never_cache(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # the cases' free text
    return response


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"status_label": labels.status_label, "status_color": labels.status_color,
            "consequence_label": labels.consequence_label,
            "source_label": lambda s: str(SOURCE_LABELS.get(s, s)),
            "item_status_label": lambda s: str(STATUS_LABELS.get(s, s)),
            "committee_name": _committee_name,
            "kept_saved": lambda: []}  # the case pages' layout asks; nothing kept here


def _committee_name(community_id: int) -> str:
    community = db.session.get(HealthCommunity, community_id)
    return community.committee_name if community else ""


def _readable(item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or not access.may_read(_me(), item):
        abort(404)
    return item


@bp.get("/")
def index() -> ResponseReturnValue:
    me = _me()
    if not access.may_read_agenda(me):
        abort(403)
    readable = access.readable_communities(me)
    communities = queries.communities(readable)
    form = AgendaFilterForm(formdata=request.args, meta={"csrf": False})
    form.community.choices = select_choices(((c.id, c.name) for c in communities), _("All"))
    form.validate()
    chosen = form.community.data
    shown = [c.id for c in communities if chosen in (None, c.id)]
    return render_template("committee/index.html", form=form, communities=communities,
                           groups=queries.open_agenda(shown), chosen=chosen,
                           acts={c.id: access.may_act(me, c.id) for c in communities})


def _render_item(item: AgendaItem, bound: dict[str, Any] | None = None,
                 status: int = 200) -> ResponseReturnValue:
    report = item.report
    forms: dict[str, Any] = {}
    if item.is_open and access.may_act(_me(), item.health_community_id):
        forms = {name: form(formdata=None, prefix=name, obj=item, version=item.version)
                 for name, form in FORMS.items()}
        forms.update(bound or {})
        _offer_choices(item, forms)
    events = list(report.events)
    return render_template("committee/item.html", item=item, report=report, forms=forms,
                           events=events, names=presenting.timeline_names(report, events),
                           linked=linked_items(item, _me())), status


def _offer_choices(item: AgendaItem, forms: dict[str, Any]) -> None:
    meetings = queries.meetings_of(item.health_community_id)
    forms["meeting"].meeting_id.choices = select_choices(
        ((m.id, f"{m.held_on:%d.%m.%Y} {m.title}".strip()) for m in meetings),
        _("Not yet set for a meeting"))
    organizations = sorted(item.health_community.organizations, key=lambda o: o.name)
    conclusion = forms["conclusion"]
    conclusion.follow_up_organization_id.choices = select_choices(
        ((o.id, o.name) for o in organizations), _("None chosen"))
    conclusion.follow_up_unit_id.choices = select_choices(
        ((u.id, f"{o.name} / {u.name}") for o in organizations for u in o.units
         if u.is_active), _("None chosen"))


@bp.get("/items/<int:item_id>")
@transactional
def item(item_id: int) -> ResponseReturnValue:
    found = _readable(item_id)
    # The page shows the case's free text: a read of the case, on the audit trail.
    audit("report.read", "report", found.report_id, actor=_me(),
          detail={"via": "committee", "agenda_item_id": found.id})
    return _render_item(found)


def _refused(error: Exception) -> ResponseReturnValue:
    args = request.view_args or {}
    item_id, step = args["item_id"], args["step"]
    if isinstance(error, (IllegalTransition, PermissionDenied)):
        flash(str(error) if isinstance(error, IllegalTransition)
              else _("Only the committee's secretariat can do this."), "error")
        return redirect(url_for(".item", item_id=item_id))
    if not isinstance(error, (ValidationFailed, StaleDataError)):
        raise error
    form = FORMS[step](prefix=step)
    if isinstance(error, ValidationFailed):
        form.apply_errors(error)
    else:
        flash(_("Someone else changed the item meanwhile. Nothing was saved: look at it "
                "as it is now and try again."), "error")
    return _render_item(_readable(item_id), {step: form},
                        422 if isinstance(error, ValidationFailed) else 409)


@bp.post("/items/<int:item_id>/<any(meeting, conclusion, resolve):step>")
@keeps_input_on_csrf_failure
@transactional(refused=_refused)
def act(item_id: int, step: str) -> ResponseReturnValue:
    item = _readable(item_id)
    form = FORMS[step](prefix=step)
    if not form.validate_on_submit():
        return _render_item(item, {step: form}, 400)
    if form.version.data not in (None, "", str(item.version)):
        raise StaleDataError()
    me, data = _me(), form.data
    if step == "meeting":
        decisions.schedule_item(me, item, meeting_id=data["meeting_id"],
                                held_on=data["held_on"], title=data["title"] or "")
    elif step == "conclusion":
        decisions.record_conclusion(
            me, item, data["conclusion"] or "",
            follow_up_organization_id=data["follow_up_organization_id"],
            follow_up_unit_id=data["follow_up_unit_id"],
            follow_up_note=data["follow_up_note"] or "")
    else:
        outcome = data["outcome"]
        if outcome not in ("closed", "returned"):
            raise ValidationFailed([("outcome", _("Choose whether to close or return."))])
        decisions.resolve_item(me, item, AgendaStatus(outcome))
    flash(str(DONE[step]), "success")
    return redirect(url_for(".item", item_id=item_id))


@bp.get("/meetings/<int:meeting_id>")
@transactional
def meeting(meeting_id: int) -> ResponseReturnValue:
    """The meeting's agenda as a page to print or save; ``?download=1`` saves it."""
    found = db.session.get(Meeting, meeting_id)
    readable = access.readable_communities(_me())
    if found is None or (readable is not None and found.health_community_id not in readable):
        abort(404)
    items = queries.meeting_items(found)
    download = bool(request.args.get("download"))
    # The agenda holds the cases' free text: which cases, on the audit trail.
    audit("agenda.exported" if download else "agenda.read", "meeting", found.id,
          actor=_me(), detail={"report_ids": [i.report_id for i in items]})
    page = render_template("committee/meeting.html", meeting=found, items=items)
    response = Response(page, mimetype="text/html")
    if download:
        response.headers["Content-Disposition"] = (
            f'attachment; filename="agenda-{found.held_on:%Y-%m-%d}.html"')
    return response
