"""Sending one queued e-mail, and writing it on its case's timeline.

A ``mail.send`` task claims its outbox row (a conditional UPDATE: a redelivered or resent
message finds it taken or done), builds the e-mail, sends it over the worker process's
SMTP connection (avvik/core/smtp.py) and records what happened:

- sent: the row is done, the case's timeline says so;
- refused for good (5xx): the row fails at once with the reason, the case shows it, the
  coordinators are told, and /health counts it; an administrator re-queues it once the
  address is mended;
- deferred (4xx), the server away, a lost connection: the row is retried with back-off
  (avvik/outbox/retry.py); once its tries count as failing, /health and the case say so.

No transaction is open during the SMTP conversation: on SQLite every transaction holds
the write lock, and a slow mail server must not keep clinicians from saving their cases.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from flask import current_app
from sqlalchemy import Row, insert, select, text

from avvik.catalog.models import Agreement, Category
from avvik.core import smtp
from avvik.core.mail import AddressError, build_message, needs_smtputf8
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.notifications.services import queue_email
from avvik.outbox.dispatch import publish_committed
from avvik.outbox.retry import Failing
from avvik.outbox.runner import Claimed, claim_due, fail, finish
from avvik.reports.events import record_event
from avvik.reports.models import Report, ReportEvent
from avvik.reports.services import mark_answer_delivered
from avvik.users.models import User

log = logging.getLogger(__name__)

TASK = "mail.send"


def case_facts(report_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What e-mails may say about each case (and whom it was reported by), by id."""
    ids = sorted(set(report_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Report.id, Report.case_number, Report.reporter_id, Report.acknowledge_due_at,
               Report.answer_due_at, Agreement.number, Agreement.title, Category.name)
        .outerjoin(Agreement, Agreement.id == Report.agreement_id)
        .outerjoin(Category, Category.id == Report.category_id)
        .where(Report.id.in_(ids)))
    return {row.id: {"id": row.id, "case_number": row.case_number,
                     "reporter_id": row.reporter_id,
                     "agreement": f"{row.number} {row.title}" if row.number else "",
                     "category": row.name or "",
                     "acknowledge_due_at": row.acknowledge_due_at,
                     "answer_due_at": row.answer_due_at} for row in rows}


def email_context(facts: dict[str, Any] | None, extra: dict[str, Any]) -> dict[str, Any]:
    """What an e-mail may say: case number, agreement, category, deadlines, a link.

    Never the description, the answer or anything else that could be health data.
    """
    context: dict[str, Any] = dict(extra)
    if facts is not None:
        context.update({key: facts[key] for key in (
            "case_number", "agreement", "category", "acknowledge_due_at", "answer_due_at")})
        context["report_path"] = f"/reports/{facts['id']}"
    return context


def send_email(outbox_id: int, *, now: datetime | None = None) -> str:
    """Send the e-mail of outbox row ``outbox_id`` and record it. Returns what happened,
    for the worker's log: "sent", "refused", "retry", "broken", "nothing" (no one to send
    to), or "skipped" (taken or done already, or not yet due)."""
    now = now or utcnow()
    row = claim_due(outbox_id, TASK, now)
    if row is None:
        _commit()
        return "skipped"
    user = db.session.execute(
        select(User.id, User.email, User.full_name, User.locale, User.is_active)
        .where(User.id == row.payload["user_id"])).first()
    report_id = row.payload.get("report_id")
    facts = case_facts([report_id]).get(report_id) if report_id else None
    if user is None or not user.is_active or not user.email:
        finish(row.id)
        _commit()
        return "nothing"
    try:
        message = build_message(user.email, row.payload["template"],
                                email_context(facts, row.payload.get("extra", {})),
                                row.payload["message_id"], locale=user.locale)
    except AddressError:  # will not change by itself: failed at once (no address kept)
        _failed(row, user, facts, "the address cannot be written in an e-mail",
                Failing.FINAL, now)
        return "broken"
    except Exception as error:  # ours or the data's: retried, then failed for good
        log.exception("outbox %s: the e-mail could not be built", row.id)
        _failed(row, user, facts, f"{type(error).__name__}: {error}", Failing.FAULT, now)
        return "broken"
    _commit()  # the claim holds; no transaction during the SMTP conversation
    outcome = _send(message)
    if outcome is None:
        finish(row.id)
        _timeline("email_sent", row, user, facts)
        if (facts is not None and row.payload["template"] == "case_answered"
                and user.id == facts["reporter_id"]):
            mark_answer_delivered(db.session.get(Report, facts["id"]))
        _commit()
        return "sent"
    code, error = outcome
    if code:
        _record_refusal(db.session.get(User, user.id), facts, row.payload, code)
        _failed(row, user, facts, error, Failing.FINAL, now)
        return "refused"
    _failed(row, user, facts, error, Failing.OUTAGE, now)
    return "retry"


def _commit() -> None:
    """Commit, and publish what the transaction queued (a coordinator's e-mail).

    On PostgreSQL without waiting for the disk (``synchronous_commit`` off for this
    transaction; others see it at once as usual): a task commits twice per e-mail, and
    waiting for the disk took half of a worker's time per e-mail (bench/escalation.py).
    A database that crashes may lose the last fraction of a second of these commits;
    the outbox then sends those e-mails again, with the same Message-ID, as it does
    for a killed worker.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO off"))
    db.session.commit()
    publish_committed()


def _send(message: EmailMessage) -> tuple[int, str] | None:
    """None when the server took ``message``; else (the code of a permanent refusal, or
    0 for what may pass, and the reason). The reason names no one and no case."""
    try:
        smtp.send(current_app.config, message)
    except (OSError, smtplib.SMTPException) as error:
        code = smtp.refusal(error)
        if code:
            return code, f"{_refused_what(error)} refused ({code})"
        if isinstance(error, smtplib.SMTPNotSupportedError) and needs_smtputf8(message):
            return 555, "the address needs SMTPUTF8, which the mail server does not offer"
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            codes = sorted({c for c, _reply in error.recipients.values()})
            return 0, f"recipient deferred ({', '.join(map(str, codes))})"
        if isinstance(error, smtplib.SMTPResponseException):
            return 0, f"SMTP unavailable: the server answered {error.smtp_code}"
        return 0, f"SMTP unavailable: {type(error).__name__}: {error}"
    return None


def _refused_what(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "recipient"
    if isinstance(error, smtplib.SMTPSenderRefused):
        return "sender"
    return "message"


def _failed(row: Claimed, user: Row[Any], facts: dict[str, Any] | None, error: str,
            kind: Failing, now: datetime) -> None:
    """Record a failed try; the case is told once that its e-mail is late, when the
    row's tries begin to count as failing ("email_sent" follows when it goes out)."""
    if fail(row, error, kind, now) and kind != Failing.FINAL:
        _timeline("email_delayed", row, user, facts)
    _commit()


def _timeline(kind: str, row: Claimed, user: Row[Any], facts: dict[str, Any] | None) -> None:
    """A line on the case's timeline about this e-mail (none without a case)."""
    if facts is None:
        return
    db.session.execute(insert(ReportEvent.__table__), [{
        "report_id": facts["id"], "actor_id": None, "kind": kind, "text": "",
        "created_at": utcnow(),
        "data": {"template": row.payload["template"], "user_id": user.id,
                 "recipient": user.full_name}}])


def _record_refusal(user: User, facts: dict[str, Any] | None, payload: dict[str, Any],
                    code: int) -> None:
    """A refused e-mail is written on the case and the coordinators are told; the row
    fails for an administrator to re-queue once the address is mended."""
    report = db.session.get(Report, facts["id"]) if facts else None
    if report is not None:
        record_event(report, "email_failed", None, template=payload["template"],
                     user_id=user.id, recipient=user.full_name, smtp_code=code)
    if payload["template"] == "delivery_failed":
        return  # a coordinator's own address refused: told on the case and /outbox/
    for organization_id in sorted({m.unit.organization_id for m in user.memberships}):
        for coordinator in recipients.coordinators(organization_id):
            if coordinator.id != user.id:
                queue_email(coordinator, "delivery_failed",
                            f"refused:{payload['message_id']}", report=report,
                            extra={"recipient": user.full_name, "username": user.username})
    db.session.flush()
