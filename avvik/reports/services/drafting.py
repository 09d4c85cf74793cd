"""The reporting side's steps: drafts, submission, approval, withdrawal, deleting a draft."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from avvik.core.errors import PermissionDenied, ValidationFailed
from avvik.core.rows import insert_row, keep_as_loaded
from avvik.core.timeutil import OSLO, utcnow
from avvik.extensions import db
from avvik.integrations.changes import announce
from avvik.organizations.models import OrganizationKind
from avvik.outbox.services import enqueue
from avvik.reports import vault
from avvik.reports.case_numbers import allocate_case_number
from avvik.reports.events import new_event, record_event
from avvik.reports.models import Direction, Report, ReportStatus
from avvik.reports.services.validation import Choices, ReportInput, validate_report
from avvik.reports.workflow import Step, check, require
from avvik.routing.services import enqueue_routing
from avvik.users.models import Role, User

EDITABLE_FIELDS = (
    "reporting_unit_id", "receiving_organization_id", "receiving_unit_id", "agreement_id",
    "transition_id", "category_id", "event_date", "discovered_date", "description",
    "immediate_measures", "suggestion", "consequence", "potential_consequence",
)


def default_reporting_unit_id(user: User) -> int | None:
    """The unit a new report comes from: the user's reporter membership, else any."""
    ranked = sorted(user.memberships, key=lambda m: (m.role != Role.REPORTER, m.id))
    return ranked[0].unit_id if ranked else None


def create_draft(actor: User, data: ReportInput, *, now: datetime | None = None,
                 submission_token: str | None = None) -> Report:
    """Save what the reporter has so far; nothing is sent anywhere."""
    return file_report(actor, data, draft=True, now=now, submission_token=submission_token)


def file_report(actor: User, data: ReportInput, *, draft: bool = False,
                now: datetime | None = None, submission_token: str | None = None) -> Report:
    """A new report from one input: submitted at once, or kept a draft with ``draft``.

    What ``create_draft`` and then ``submit_report`` do, with the input validated once
    and the report and its first timeline line written with one INSERT each, without a
    flush (``avvik.core.rows``). The rows the validation loaded are set on the report,
    so nothing is loaded twice and the answer needs no query.

    ``submission_token`` is the report form's one-time token (avvik.reports.submissions):
    a second report with the same token of the same reporter breaks a unique index
    (IntegrityError), however close together the two arrive.
    """
    now = now or utcnow()
    data.reporting_unit_id = data.reporting_unit_id or default_reporting_unit_id(actor)
    choices = validate_report(data, actor, complete=not draft, now=now)
    # A new report has no timeline to load: start it empty, kept in memory.
    report = Report(reporter=actor, status=ReportStatus.DRAFT, created_at=now, events=[],
                    submission_token=submission_token, changed_at=now)
    _apply(report, data, choices)
    if not draft:
        _mark_submitted(report, now)
    insert_row(report)
    if draft:
        keep_as_loaded(report)
    else:
        event = new_event(report, "submitted", actor, status=report.status.value)
        insert_row(event)
        keep_as_loaded(event, report)
    _store_identity(report, data)
    if not draft:
        _send_on(report)
        announce(report, "submitted", now)
    return report


def update_draft(actor: User, report: Report, data: ReportInput, *,
                 now: datetime | None = None, submission_token: str | None = None) -> Report:
    if report.reporter_id != actor.id:
        raise PermissionDenied()
    require(report, Step.SUBMIT)  # only drafts are edited
    data.reporting_unit_id = data.reporting_unit_id or report.reporting_unit_id
    choices = validate_report(data, actor, complete=False, now=now)
    _apply(report, data, choices)
    _remember_token(report, submission_token)
    db.session.flush()
    _store_identity(report, data)
    return report


def submit_report(actor: User, report: Report, data: ReportInput | None = None, *,
                  now: datetime | None = None, submission_token: str | None = None
                  ) -> Report:
    """Submit a draft (with the latest input): it gets its case number and goes on.

    Two submissions of one draft at the same moment: the second one's UPDATE finds the
    version changed (StaleDataError) and its case number goes back with its rollback.
    """
    now = now or utcnow()
    if report.reporter_id != actor.id:
        raise PermissionDenied()
    require(report, Step.SUBMIT)
    if data is not None:
        data.reporting_unit_id = data.reporting_unit_id or report.reporting_unit_id
        choices = validate_report(data, actor, complete=True, now=now)
        _apply(report, data, choices)
        _store_identity(report, data)
    else:
        validate_report(_input_from(report), actor, complete=True, now=now)
    _remember_token(report, submission_token)
    _mark_submitted(report, now)
    record_event(report, "submitted", actor, status=report.status.value)
    db.session.flush()
    _send_on(report)
    return report


def _mark_submitted(report: Report, now: datetime) -> None:
    # No autoflush: the report is written once (INSERT or UPDATE), number included.
    with db.session.no_autoflush:
        report.submitted_at = now
        report.direction = _direction(report)
        needs_approval = report.reporting_organization.is_approval_required
        report.status = (ReportStatus.AWAITING_APPROVAL if needs_approval
                         else ReportStatus.SUBMITTED)
        # Taken last, just before the write: the counter row stays locked until the
        # commit, and other submitters of the year wait for it.
        report.case_number = allocate_case_number(now.astimezone(OSLO).year)


def _send_on(report: Report) -> None:
    """The work a submission leaves for the workers (after the report is written)."""
    if report.status == ReportStatus.AWAITING_APPROVAL:
        enqueue("mail.approval_requested", {"report_id": report.id},
                dedup_key=f"approval-requested:{report.id}")
    else:
        enqueue_routing(report)


def approve_report(actor: User, report: Report, *, now: datetime | None = None) -> Report:
    """A leader of the reporting unit (or above) lets the report go to the receiver."""
    check(actor, report, Step.APPROVE)
    report.status = ReportStatus.SUBMITTED
    report.approved_at = now or utcnow()
    report.approved_by_id = actor.id
    db.session.flush()
    record_event(report, "approved", actor)
    enqueue_routing(report)
    return report


def return_report(actor: User, report: Report, reason: str) -> Report:
    """The approving leader sends the report back to its reporter as a draft."""
    check(actor, report, Step.RETURN)
    if not reason.strip():
        raise ValidationFailed([("reason", str(_l("Say why the report is sent back.")))])
    report.status = ReportStatus.DRAFT
    db.session.flush()
    record_event(report, "returned", actor, reason.strip())
    return report


def withdraw_report(actor: User, report: Report, *, now: datetime | None = None) -> Report:
    """The reporter (or their leader) takes the report back before it is acknowledged."""
    check(actor, report, Step.WITHDRAW)
    report.status = ReportStatus.WITHDRAWN
    report.withdrawn_at = now or utcnow()
    db.session.flush()
    record_event(report, "withdrawn", actor)
    return report


def delete_draft(actor: User, report: Report) -> None:
    """The reporter deletes their own draft, its patient identity and timeline with it.

    A draft is not withdrawn: withdrawal keeps a case on record, and a draft (never sent,
    or sent back to its reporter) is the reporter's alone, so nothing of it is kept.
    """
    check(actor, report, Step.DELETE_DRAFT)
    vault.forget_identity(actor, report)
    db.session.delete(report)  # its events go with it; read markers and keys by cascade
    db.session.flush()


def _apply(report: Report, data: ReportInput, choices: Choices) -> None:
    for name in EDITABLE_FIELDS:
        setattr(report, name, getattr(data, name))
    # The rows themselves, so that reading them from the report needs no query. The
    # organisation is copied from the unit (scoping and statistics need no join).
    report.reporting_unit = choices.reporting_unit
    report.reporting_organization = (choices.reporting_unit.organization
                                     if choices.reporting_unit else None)
    report.receiving_organization = choices.receiving_organization
    report.receiving_unit = choices.receiving_unit
    report.agreement = choices.agreement
    report.transition = choices.transition
    report.category = choices.category


def _remember_token(report: Report, token: str | None) -> None:
    # The latest form page that saved the draft: its repeat finds the draft by it.
    if token is not None:
        report.submission_token = token


def _store_identity(report: Report, data: ReportInput) -> None:
    if data.patient_identity is not None:
        vault.store_identity(report, data.patient_identity.name,
                             data.patient_identity.national_id)


def _input_from(report: Report) -> ReportInput:
    return ReportInput(**{name: getattr(report, name) for name in EDITABLE_FIELDS})


def _direction(report: Report) -> Direction:
    sender = report.reporting_organization.kind
    receiver = report.receiving_organization.kind
    if sender == OrganizationKind.MUNICIPALITY and receiver == OrganizationKind.HOSPITAL_TRUST:
        return Direction.MUNICIPALITY_TO_HOSPITAL
    if sender == OrganizationKind.HOSPITAL_TRUST and receiver == OrganizationKind.MUNICIPALITY:
        return Direction.HOSPITAL_TO_MUNICIPALITY
    return Direction.OTHER
