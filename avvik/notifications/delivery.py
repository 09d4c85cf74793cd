"""Sending one queued e-mail, and writing it on the case's timeline."""

from __future__ import annotations

import smtplib
from typing import Any

from avvik.core.mail import build_message, send_message
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.notifications.services import queue_email
from avvik.outbox.runner import RetryLater
from avvik.reports.events import record_event
from avvik.reports.models import Report
from avvik.reports.services import mark_answer_delivered
from avvik.users.models import User


def email_context(report: Report | None, extra: dict[str, Any]) -> dict[str, Any]:
    """What an e-mail may say: case number, agreement, category, deadlines, a link.

    Never the description, the answer or anything else that could be health data.
    """
    context: dict[str, Any] = dict(extra)
    if report is not None:
        context.update(
            case_number=report.case_number,
            agreement=f"{report.agreement.number} {report.agreement.title}"
            if report.agreement else "",
            category=report.category.name if report.category else "",
            acknowledge_due_at=report.acknowledge_due_at,
            answer_due_at=report.answer_due_at,
            report_path=f"/reports/{report.id}",
        )
    return context


def deliver_email(payload: dict[str, Any]) -> None:
    """Send the e-mail of one ``mail.send`` outbox row (its handler)."""
    user = db.session.get(User, payload["user_id"])
    report = db.session.get(Report, payload["report_id"]) if payload.get("report_id") else None
    if user is None or not user.is_active or not user.email:
        return
    message = build_message(user.email, payload["template"],
                            email_context(report, payload.get("extra", {})),
                            payload["message_id"], locale=user.locale)
    # End the transaction (only reads so far; the runner committed the claim) before the
    # SMTP conversation: on SQLite every transaction holds the write lock, and a slow
    # mail server must not keep clinicians from saving their cases meanwhile.
    db.session.commit()
    try:
        send_message(message)
    except smtplib.SMTPRecipientsRefused as refused:
        code = next(iter(refused.recipients.values()))[0]
        if code < 500:
            raise RetryLater(f"recipient deferred ({code})") from refused
        _record_refusal(user, report, payload, code)
        return
    except (OSError, smtplib.SMTPException) as error:
        raise RetryLater(f"SMTP unavailable: {error}") from error
    if report is not None:
        record_event(report, "email_sent", None, template=payload["template"],
                     user_id=user.id, recipient=user.full_name)
        if payload["template"] == "case_answered" and user.id == report.reporter_id:
            mark_answer_delivered(report)
        db.session.flush()


def _record_refusal(user: User, report: Report | None, payload: dict[str, Any],
                    code: int) -> None:
    """A refused address is written down and the coordinators are told; no retry."""
    organization_ids = {m.unit.organization_id for m in user.memberships}
    if report is not None:
        record_event(report, "email_failed", None, template=payload["template"],
                     user_id=user.id, recipient=user.full_name, smtp_code=code)
    for organization_id in sorted(organization_ids):
        for coordinator in recipients.coordinators(organization_id):
            if coordinator.id != user.id:
                queue_email(coordinator, "delivery_failed",
                            f"refused:{payload['message_id']}", report=report,
                            extra={"recipient": user.full_name, "username": user.username})
    db.session.flush()
