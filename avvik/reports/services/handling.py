"""Steps on a submitted case: acknowledge, answer, close, forward, comment (reopening:
disputes.py)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from avvik.core.errors import ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.core.workdays import working_days_between
from avvik.extensions import db
from avvik.notifications.services import queue_email
from avvik.organizations.models import Unit
from avvik.outbox.services import enqueue
from avvik.reports import scope
from avvik.reports.events import record_event
from avvik.reports.models import Report, ReportStatus
from avvik.reports.services.validation import identity_errors
from avvik.reports.workflow import Step, check
from avvik.routing.services import enqueue_routing
from avvik.users.models import User

ANSWER_LIMIT = 10_000
COMMENT_LIMIT = 5_000


def acknowledge_report(actor: User, report: Report, *, now: datetime | None = None) -> Report:
    """The receiving side confirms it has the case and is looking into it."""
    check(actor, report, Step.ACKNOWLEDGE)
    report.status = ReportStatus.ACKNOWLEDGED
    report.acknowledged_at = now or utcnow()
    report.acknowledge_working_days = _working_days_since_routing(report, report.acknowledged_at)
    db.session.flush()
    record_event(report, "acknowledged", actor)
    return report


def answer_report(actor: User, report: Report, cause: str, measures: str, *,
                  now: datetime | None = None) -> Report:
    """The receiving side's answer: what it found, what it did and will do."""
    check(actor, report, Step.ANSWER)
    cause, measures = _clean(cause), _clean(measures)
    errors = _text_errors("cause", cause, ANSWER_LIMIT, _l("Say what you found."))
    errors += _text_errors("measures", measures, ANSWER_LIMIT,
                           _l("Say what has been done and what will be done."))
    if errors:
        raise ValidationFailed(errors)
    now = now or utcnow()
    if report.acknowledged_at is None:  # answering acknowledges too
        report.acknowledged_at = now
        report.acknowledge_working_days = _working_days_since_routing(report, now)
    report.answer_working_days = _working_days_since_routing(report, now)
    report.status = ReportStatus.ANSWERED
    report.answer_cause, report.answer_measures = cause, measures
    report.answered_at, report.answered_by_id = now, actor.id
    db.session.flush()
    record_event(report, "answered", actor)
    enqueue("mail.answered", {"report_id": report.id},
            dedup_key=f"answered:{report.id}:{report.reopen_count}")
    return report


def mark_answer_delivered(report: Report, *, now: datetime | None = None) -> bool:
    """Record that the answer has reached the reporting side (e-mailed or read there)."""
    if report.status != ReportStatus.ANSWERED or report.answer_delivered_at is not None:
        return False
    report.answer_delivered_at = now or utcnow()
    db.session.flush()
    record_event(report, "answer_delivered", None)
    return True


def close_report(actor: User, report: Report, *, now: datetime | None = None) -> Report:
    """Either side closes an answered case once the answer has reached the reporter."""
    check(actor, report, Step.CLOSE)
    report.status = ReportStatus.CLOSED
    report.closed_at = now or utcnow()
    db.session.flush()
    record_event(report, "closed", actor)
    return report


def forward_report(actor: User, report: Report, unit: Unit, reason: str) -> Report:
    """Send a misrouted case to another unit of the receiving organisation."""
    check(actor, report, Step.FORWARD)
    reason = _clean(reason)
    errors = _text_errors("reason", reason, COMMENT_LIMIT, _l("Say why the case is forwarded."))
    if unit.organization_id != report.receiving_organization_id or not unit.is_active:
        errors.append(("unit_id", str(_l("Choose an active unit of the receiving organisation."))))
    elif unit.id == report.responsible_unit_id:
        errors.append(("unit_id", str(_l("The case is already with this unit."))))
    if errors:
        raise ValidationFailed(errors)
    event = record_event(report, "forwarded", actor, reason,
                         from_unit_id=report.responsible_unit_id, to_unit_id=unit.id)
    _reset_for_new_round(report)
    # The new owner at once (issue #14): its people see the case, and the page says
    # where it went, while the worker sets the deadlines.
    report.responsible_unit_id, report.routing_rule_id = unit.id, None
    report.routing_basis = "forwarded"
    db.session.flush()
    enqueue_routing(report, forced_unit_id=unit.id)
    queue_email(report.reporter, "case_forwarded", f"forwarded:{report.id}:{event.id}",
                report=report, extra={"unit": unit.name})
    return report


def add_comment(actor: User, report: Report, text: str) -> None:
    """A message in the dialogue between the two sides, on the timeline."""
    check(actor, report, Step.COMMENT)
    reporting = scope.is_on_reporting_side(actor, report)
    text = _clean(text)
    errors = _text_errors("text", text, COMMENT_LIMIT, _l("Write a comment."))
    if errors:
        raise ValidationFailed(errors)
    event = record_event(report, "comment", actor, text,
                         side="reporting" if reporting else "receiving")
    db.session.flush()
    enqueue("mail.comment", {"report_id": report.id, "event_id": event.id},
            dedup_key=f"comment:{event.id}")


def _reset_for_new_round(report: Report) -> None:
    report.status = ReportStatus.SUBMITTED
    for name in ("acknowledged_at", "answered_at", "answer_delivered_at", "closed_at",
                 "reminder_sent_at", "escalated_at", "acknowledge_due_at", "answer_due_at",
                 "acknowledge_working_days", "answer_working_days"):
        setattr(report, name, None)
    report.escalation_level = 0


def _working_days_since_routing(report: Report, moment: datetime) -> int | None:
    """Working days from the latest routing to ``moment``, stored for the dashboards."""
    if report.routed_at is None:
        return None
    return working_days_between(report.routed_at, moment)


def _clean(text: str | None) -> str:
    return (text or "").replace("\x00", "").strip()


def _text_errors(field: str, text: str, limit: int, empty_message: object
                 ) -> list[tuple[str, str]]:
    if not text:
        return [(field, str(empty_message))]
    errors = identity_errors(field, text)
    if len(text) > limit:
        errors.append((field, str(_l("At most %(n)d characters (now %(m)d).",
                                     n=limit, m=len(text)))))
    return errors
