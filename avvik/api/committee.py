"""The joint committee's agenda: ``GET /api/v1/committee/agenda`` and one item by id.

For the committee's secretariat and members (read-only here, as for members on the
pages), of their own health communities; administrators read every community's. An item
carries its case's free text and timeline, never the patient identity.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields
from marshmallow.validate import OneOf

from avvik.api.auth import api_user
from avvik.api.blueprint import bp
from avvik.api.queries import MAX_ID
from avvik.api.schemas import AgreementRef, EventOut, Nullable, Ref
from avvik.audit.services import audit
from avvik.committee import access
from avvik.committee.models import AgendaItem, AgendaSource, AgendaStatus
from avvik.committee.queries import items_query
from avvik.core.transactions import transactional
from avvik.extensions import db
from avvik.reports.models import Consequence, ReportStatus

TAGS = ["committee"]


class AgendaArgs(Schema):
    status = fields.String(load_default="open", validate=OneOf(["open", "closed", "returned",
                                                                 "all"]),
                           metadata={"description": "open (default), closed, returned or all."})
    health_community_id = fields.Integer(load_default=None, metadata={
        "description": "Only this health community's agenda."})


class CommitteeCaseOut(Schema):
    """The case as the committee reads it: its free text and timeline, no identity."""

    id = fields.Integer(required=True)
    case_number = fields.String(required=True)
    status = fields.Enum(ReportStatus, by_value=True, required=True)
    reporting_organization = fields.Nested(Ref, required=True)
    receiving_organization = Nullable(fields.Nested, Ref, required=True)
    responsible_unit = Nullable(fields.Nested, Ref, required=True)
    agreement = Nullable(fields.Nested, AgreementRef, required=True)
    category = Nullable(fields.Nested, Ref, required=True)
    event_date = Nullable(fields.Date, required=True)
    description = fields.String(required=True)
    immediate_measures = fields.String(required=True)
    suggestion = fields.String(required=True)
    consequence = Nullable(fields.Enum, Consequence, by_value=True, required=True)
    potential_consequence = Nullable(fields.Enum, Consequence, by_value=True, required=True)
    answer_cause = Nullable(fields.String, required=True)
    answer_measures = Nullable(fields.String, required=True)
    reopen_reason = Nullable(fields.String, required=True)
    escalation_level = fields.Integer(required=True)


class MeetingOut(Schema):
    id = fields.Integer(required=True)
    held_on = fields.Date(required=True)
    title = fields.String(required=True)


class AgendaItemOut(Schema):
    id = fields.Integer(required=True)
    health_community_id = fields.Integer(required=True)
    committee_name = fields.Function(lambda i: i.health_community.committee_name,
                                     required=True, metadata={"type": "string"})
    source = fields.Enum(AgendaSource, by_value=True, required=True)
    status = fields.Enum(AgendaStatus, by_value=True, required=True)
    reason = fields.String(required=True)
    placed_at = fields.DateTime(required=True)
    meeting = Nullable(fields.Nested, MeetingOut, required=True)
    conclusion = Nullable(fields.String, required=True)
    follow_up_organization = Nullable(fields.Nested, Ref, required=True)
    follow_up_unit = Nullable(fields.Nested, Ref, required=True)
    follow_up_note = fields.String(required=True)
    concluded_at = Nullable(fields.DateTime, required=True)
    resolved_at = Nullable(fields.DateTime, required=True)
    case = fields.Nested(CommitteeCaseOut, required=True, attribute="report")


class AgendaItemDetailOut(AgendaItemOut):
    timeline = fields.List(fields.Nested(EventOut), required=True, attribute="report.events")


class AgendaOut(Schema):
    items = fields.List(fields.Nested(AgendaItemOut), required=True)


def _reader() -> Any:
    me = api_user()
    if not access.may_read_agenda(me):
        abort(403, message=_("Only the joint committee's secretariat and members read its "
                             "agenda."))
    return me


#: The most case ids an agenda read's audit entry lists (it counts them all).
AUDITED_IDS = 200


@bp.route("/committee/agenda", methods=["GET"], tags=TAGS)
# Outside the answer: the read's audit entry is committed once the agenda is serialised.
@transactional
@bp.arguments(AgendaArgs, location="query", as_kwargs=True)
@bp.response(200, AgendaOut)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
def agenda(status: str, health_community_id: int | None) -> dict[str, Any]:
    """The cases on the caller's committee agendas, oldest placed first."""
    readable = access.readable_communities(_reader())
    if health_community_id is not None:
        readable = ({health_community_id} if readable is None
                    else readable & {health_community_id})
    query = items_query(readable, status=None if status == "all" else AgendaStatus(status))
    items = db.session.execute(query).unique().scalars().all()
    # The items carry their cases' free text: which cases were read, on the audit trail.
    report_ids = [item.report_id for item in items]
    audit("agenda.read", "agenda", None, actor=api_user(),
          detail={"via": "api", "count": len(report_ids),
                  "report_ids": report_ids[:AUDITED_IDS]})
    return {"items": items}


@bp.route("/committee/agenda/<id:item_id>", methods=["GET"], tags=TAGS)
@transactional
@bp.response(200, AgendaItemDetailOut)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
def agenda_item(item_id: int) -> AgendaItem:
    """One item with its case's free text and timeline (never the patient identity)."""
    me = _reader()
    item = db.session.get(AgendaItem, item_id) if 0 < item_id <= MAX_ID else None
    if item is None or not access.may_read(me, item):
        abort(404, message=_("Not found."))
    audit("report.read", "report", item.report_id, actor=me,
          detail={"via": "api_committee", "agenda_item_id": item.id})
    return item
