"""What the API reads and writes, as marshmallow schemas (they also make the OpenAPI spec).

Input is strict: ids are integers in range, enums are their values, dates are YYYY-MM-DD,
unknown fields are refused. Text is kept as typed, except NUL, which PostgreSQL cannot
store. Nothing here ever carries the patient's identity out: the vault is its only place.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields
from marshmallow.validate import Length, OneOf, Range, Regexp

from avvik.api.link_schemas import linked_cases_out
from avvik.api.queries import MAX_ID
from avvik.core.text import without_controls
from avvik.integrations.feed import BadCursor, decode_cursor
from avvik.organizations.models import OrganizationKind
from avvik.reports.models import Consequence, Direction, ReportStatus
from avvik.reports.notices import notices_out
from avvik.reports.paging import COUNT_CAP
from avvik.reports.queries import MAX_PER_PAGE, RELEVANCE, SORTS, ListView, is_overdue
from avvik.reports.serious import is_serious
from avvik.reports.services.handling import ANSWER_LIMIT, COMMENT_LIMIT
from avvik.reports.services.validation import TEXT_LIMITS
from avvik.reports.vault import has_identity


class Text(fields.String):
    """A string stored as typed, without control and direction characters
    (avvik.core.text); text that is not Unicode is refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates ("\ud800") from a JSON escape
            raise ValidationError("Not valid text (broken Unicode).") from None
        return self.cleaned(text)

    def cleaned(self, text: str) -> str:
        return without_controls(text)


class FilterText(Text):
    """What a list filter looks for, kept as asked (only NUL dropped): odd characters
    find nothing, rather than turning into an empty filter that finds everything."""

    def cleaned(self, text: str) -> str:
        return text.replace("\x00", "")


def Id(**kwargs: Any) -> fields.Integer:
    """A row id: an integer a row can have (strict in JSON bodies, not in query strings)."""
    return fields.Integer(strict=kwargs.pop("strict", True),
                          validate=Range(min=1, max=MAX_ID), **kwargs)


#: Text with at least one character that is neither white space nor removed as a control
#: (what the services count as empty). Read as a search by JSON Schema, as a match here.
NON_BLANK = "[\\s\\S]*[^\\s\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]"


def Required(limit: int) -> Text:
    """Required text the services refuse when blank, at most ``limit`` characters."""
    return Text(required=True, validate=[Length(min=1, max=limit), Regexp(NON_BLANK, error=(
        "Not blank."))])


def Nullable(field: type[fields.Field], *args: Any, **kwargs: Any) -> fields.Field:
    """``field`` that may be null (and is documented as nullable)."""
    return field(*args, allow_none=True, **kwargs)


# Input -----------------------------------------------------------------------------------


class PatientIdentityIn(Schema):
    name = Required(200)
    national_id = fields.String(required=True, validate=Regexp("^[0-9]{11}$"), metadata={
        "description": "Fødselsnummer or D-number: 11 digits whose check digits match."})


class ReportIn(Schema):
    reporting_unit_id = Id(allow_none=True, load_default=None, metadata={
        "description": "Defaults to the caller's own unit."})
    receiving_organization_id = Id(required=True)
    receiving_unit_id = Id(allow_none=True, load_default=None)
    agreement_id = Id(required=True)
    transition_id = Id(required=True)
    category_id = Id(required=True, metadata={
        "description": "A category of the transition's phase, or one for every phase."})
    event_date = fields.Date(required=True, metadata={
        "description": "ISO date (yyyy-mm-dd); not in the future, not before 2000."})
    discovered_date = Nullable(fields.Date, load_default=None)
    description = Required(TEXT_LIMITS["description"])
    immediate_measures = Nullable(Text, load_default="",
                                  validate=Length(max=TEXT_LIMITS["immediate_measures"]))
    suggestion = Nullable(Text, load_default="", validate=Length(max=TEXT_LIMITS["suggestion"]))
    consequence = fields.Enum(Consequence, by_value=True, required=True)
    potential_consequence = fields.Enum(Consequence, by_value=True, required=True)
    patient_identity = Nullable(fields.Nested, PatientIdentityIn, load_default=None, metadata={
        "description": "Only where the receiving organisation asks for it. Never shown back."})
    draft = fields.Boolean(load_default=False, metadata={
        "description": "true keeps the report a draft; otherwise it is submitted."})


class AnswerIn(Schema):
    cause = Required(ANSWER_LIMIT)
    measures = Required(ANSWER_LIMIT)


class ReasonIn(Schema):
    reason = Required(COMMENT_LIMIT)


class ForwardIn(ReasonIn):
    unit_id = Id(required=True)


class CommentIn(Schema):
    text = Required(COMMENT_LIMIT)


class NotifiedIn(Schema):
    """The notice to Helsetilsynet of a serious case, as the receiving side records it."""

    sent = fields.String(required=True, validate=OneOf(["yes", "no"]))
    on_date = Nullable(fields.Date, load_default=None, metadata={
        "description": "When it was sent; required when sent is yes."})
    by_whom = Nullable(Text, load_default="", validate=Length(max=200), metadata={
        "description": "Who sent it (a name or a role); required when sent is yes."})
    note = Nullable(Text, load_default="", validate=Length(max=2000), metadata={
        "description": "Required when sent is no: why, or when it will be."})


class InformedIn(Schema):
    """Whether the patient or next of kin has been informed of a serious event."""

    answer = fields.String(required=True, validate=OneOf(["yes", "no", "not_applicable"]))
    on_date = Nullable(fields.Date, load_default=None, metadata={
        "description": "When they were informed; required when answer is yes."})
    note = Nullable(Text, load_default="", validate=Length(max=2000))


class FeedCursor(fields.String):
    """A cursor of the feed, checked and read here (avvik/integrations/feed.py)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return decode_cursor(super()._deserialize(value, attr, data, **kwargs))
        except BadCursor:
            raise ValidationError("Not a cursor of this feed: use next_cursor as "
                                  "it was given.") from None


class ReportListArgs(Schema):
    view = fields.Enum(ListView, by_value=True, load_default=ListView.ALL)
    status = fields.List(fields.Enum(ReportStatus, by_value=True), load_default=list,
                         metadata={"description": "Repeat for several statuses."})
    overdue = fields.Boolean(load_default=False)
    serious = fields.Boolean(load_default=False, metadata={
        "description": "Only serious events (consequence significant or death, or "
                       "potential consequence death)."})
    agreement_id = Id(strict=False, load_default=None)
    transition_id = Id(strict=False, load_default=None)
    category_id = Id(strict=False, load_default=None)
    date_from = fields.Date(load_default=None, metadata={"description": "Event date from."})
    date_to = fields.Date(load_default=None, metadata={"description": "Event date to."})
    # As the dashboards count (GET /api/v1/stats/<name>), so a figure's cases can be listed.
    organization_id = Id(strict=False, load_default=None, metadata={
        "description": "Reported or received by this organisation."})
    reporting_organization_id = Id(strict=False, load_default=None)
    receiving_organization_id = Id(strict=False, load_default=None)
    unit_id = Id(strict=False, load_default=None, metadata={
        "description": "Of this unit or a unit below it, as reporting or responsible unit."})
    responsible_unit_id = Id(strict=False, load_default=None)
    direction = fields.Enum(Direction, by_value=True, load_default=None)
    consequence = fields.Enum(Consequence, by_value=True, load_default=None, metadata={
        "description": "The actual consequence."})
    potential_consequence = fields.Enum(Consequence, by_value=True, load_default=None)
    escalation = fields.Integer(load_default=None, validate=Range(min=1, max=3), metadata={
        "description": "Escalated to this level (1 to 3) or higher."})
    case_number = FilterText(load_default=None, validate=Length(max=20),
                       metadata={"description": "Exactly this case number."})
    q = FilterText(load_default=None, validate=Length(max=200), metadata={"description": (
        "Search: words of the case's text (description, immediate measures, suggestion, "
        "the answer) or its comments, or a case number, whole or its end (SA-2026-01623, "
        "2026-01623, 01623). Every word must match; Norwegian words match their other "
        "forms on PostgreSQL, and the last word matches as a beginning on SQLite. Only "
        "the caller's cases, with the other filters; the patient's identity is never "
        "searched.")})
    sort = fields.String(load_default=None, validate=OneOf([*SORTS, RELEVANCE]), metadata={
        "description": "relevance (the best matches of q first) when q is given, "
                       "else created."})
    order = fields.String(load_default="desc", validate=OneOf(["asc", "desc"]))
    updated_since = fields.AwareDateTime(format="iso", load_default=None, metadata={
        "description": "The feed of changes: cases changed at or after this moment (ISO "
                       "8601 with a time zone, 2026-12-01T08:00:00+01:00), oldest change "
                       "first, by (changed_at, id). Continue with next_cursor; page, "
                       "sort and order do not apply. A change shows once it is "
                       "FEED_SETTLE_SECONDS old (60 by default)."})
    cursor = FeedCursor(load_default=None, metadata={
        "description": "next_cursor of the previous page of the feed: the changes after "
                       "it. Poll with the last one to hear of every later change."})
    page = fields.Integer(load_default=1, validate=Range(min=1, max=1_000_000))
    per_page = fields.Integer(load_default=25, validate=Range(min=1, max=MAX_PER_PAGE))


# Output ----------------------------------------------------------------------------------


class Ref(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class PersonRef(Ref):
    name = fields.String(required=True, attribute="full_name")


class AgreementRef(Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    title = fields.String(required=True)


class CodeRef(Ref):
    code = fields.String(required=True)


class EventOut(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    actor_id = Nullable(fields.Integer, required=True)
    actor_name = fields.Function(lambda e: e.actor.full_name if e.actor else None,
                                 required=True, metadata={"type": "string", "nullable": True})
    data = fields.Dict(required=True)


#: Set on a case by a view that knows whether the vault holds its identity (it has just
#: written the case), so that the answer needs no query of the vault.
KNOWN_IDENTITY = "_api_has_identity"


def known_identity(report: Any, stored: bool) -> None:
    setattr(report, KNOWN_IDENTITY, stored)


def _has_identity(report: Any) -> bool:
    known = getattr(report, KNOWN_IDENTITY, None)
    return has_identity(report) if known is None else known


def _boolean(function: Any, description: str) -> fields.Function:
    return fields.Function(function, required=True,
                           metadata={"type": "boolean", "description": description})


class ReportSummaryOut(Schema):
    """A case in a list: only what the list query has loaded."""

    id = fields.Integer(required=True)
    case_number = Nullable(fields.String, required=True)
    status = fields.Enum(ReportStatus, by_value=True, required=True)
    reporting_unit = fields.Nested(Ref, required=True)
    receiving_organization = Nullable(fields.Nested, Ref, required=True)
    responsible_unit = Nullable(fields.Nested, Ref, required=True)
    agreement = Nullable(fields.Nested, AgreementRef, required=True)
    transition = Nullable(fields.Nested, CodeRef, required=True)
    category = Nullable(fields.Nested, CodeRef, required=True)
    event_date = Nullable(fields.Date, required=True)
    consequence = Nullable(fields.Enum, Consequence, by_value=True, required=True)
    potential_consequence = Nullable(fields.Enum, Consequence, by_value=True, required=True)
    created_at = fields.DateTime(required=True)
    submitted_at = Nullable(fields.DateTime, required=True)
    acknowledge_due_at = Nullable(fields.DateTime, required=True)
    answer_due_at = Nullable(fields.DateTime, required=True)
    changed_at = fields.DateTime(required=True, metadata={
        "description": "The last change a party hears of (the feed's order, with id)."})
    is_overdue = _boolean(lambda r: is_overdue(r), "Past a deadline and not yet done.")
    is_serious = _boolean(is_serious, "Consequence significant or death, or potential "
                                      "consequence death: shorter deadlines, notices.")


class ReportOut(ReportSummaryOut):
    """A whole case with its timeline; the patient identity only as a yes/no."""

    reporter = fields.Nested(PersonRef, required=True)
    reporting_organization = fields.Nested(Ref, required=True)
    receiving_unit = Nullable(fields.Nested, Ref, required=True)
    direction = Nullable(fields.Enum, Direction, by_value=True, required=True)
    routing_basis = Nullable(fields.String, required=True)
    discovered_date = Nullable(fields.Date, required=True)
    description = fields.String(required=True)
    immediate_measures = fields.String(required=True)
    suggestion = fields.String(required=True)
    updated_at = fields.DateTime(required=True)
    approved_at = Nullable(fields.DateTime, required=True)
    routed_at = Nullable(fields.DateTime, required=True)
    acknowledged_at = Nullable(fields.DateTime, required=True)
    answered_at = Nullable(fields.DateTime, required=True)
    answer_cause = Nullable(fields.String, required=True)
    answer_measures = Nullable(fields.String, required=True)
    answer_delivered_at = Nullable(fields.DateTime, required=True)
    closed_at = Nullable(fields.DateTime, required=True)
    reopen_count = fields.Integer(required=True)
    reopen_reason = Nullable(fields.String, required=True)
    withdrawn_at = Nullable(fields.DateTime, required=True)
    escalation_level = fields.Integer(required=True)
    identity_deleted_at = Nullable(fields.DateTime, required=True)
    has_patient_identity = _boolean(_has_identity,
                                    "The vault holds the patient's identity for this case.")
    version = fields.Integer(required=True)
    notices = fields.Function(lambda r: notices_out(r), required=True, metadata={
        "type": "object", "description": "A serious case's records: \"authority\" (the "
        "notice to Helsetilsynet) and \"patient\" (patient or next of kin informed), "
        "each {answer, on_date, by_whom, note, recorded_at} once recorded."})
    linked_cases = fields.Function(linked_cases_out, required=True, metadata={
        "type": "array", "items": {"type": "object"}, "description": "Reports of the same "
        "event linked to this case: {case_number, report_id, readable, reason, linked_at}; "
        "case_number and report_id are null for a case the caller may not read."})
    timeline = fields.List(fields.Nested(EventOut), required=True, attribute="events")


class ReportPageOut(Schema):
    """One page of cases. Matches are counted exactly up to COUNT_CAP past the page's start;
    beyond that ``total_is_exact`` is false and ``pages`` is null: follow ``has_next``."""

    items = fields.List(fields.Nested(ReportSummaryOut), required=True)
    total = fields.Integer(required=True, metadata={"description": (
        "The number of matching cases when total_is_exact; otherwise there are more than "
        "this many.")})
    total_is_exact = fields.Boolean(required=True, metadata={"description": (
        f"False when more cases match than were counted ({COUNT_CAP} past this page's "
        "start).")})
    has_next = fields.Boolean(required=True, metadata={"description": "A next page exists."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = Nullable(fields.Integer, required=True, metadata={"description": (
        "The number of pages; null when total_is_exact is false.")})
    next_cursor = Nullable(fields.String, required=True, metadata={"description": (
        "The feed (updated_since or cursor given): where to continue, also when this "
        "page was empty; has_next says more changes are waiting now. Null otherwise.")})


# The catalog -----------------------------------------------------------------------------


class UnitOut(Ref):
    parent_id = Nullable(fields.Integer, required=True)


class OrganizationOut(Ref):
    kind = fields.Enum(OrganizationKind, by_value=True, required=True)
    is_patient_identity_wanted = fields.Boolean(required=True, metadata={
        "description": "Reports to it may carry the patient's identity."})
    units = fields.List(fields.Nested(UnitOut), required=True)


class PhasedOut(CodeRef):
    phase = Nullable(fields.String, required=True, metadata={
        "description": "The phase's code; null for a category offered in every phase."})
    phase_id = Nullable(fields.Integer, required=True)


class MyUnitOut(Ref):
    organization_id = fields.Integer(required=True)
    roles = fields.List(fields.String(), required=True)


class CatalogOut(Schema):
    organizations = fields.List(fields.Nested(OrganizationOut), required=True)
    agreements = fields.List(fields.Nested(AgreementRef), required=True)
    transitions = fields.List(fields.Nested(PhasedOut), required=True)
    categories = fields.List(fields.Nested(PhasedOut), required=True)
    my_units = fields.List(fields.Nested(MyUnitOut), required=True, metadata={
        "description": "The caller's own units: a report's reporting_unit_id is one of them."})
