"""Turning case events into one outbox row per e-mail and recipient.

Each e-mail has a stable key (case, event, recipient): the dedup key of its outbox row
and its Message-ID, so that no e-mail is queued twice and a repeat is recognisable.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.outbox.models import OutboxMessage
from avvik.outbox.services import Job, enqueue
from avvik.reports.models import Report, ReportEvent
from avvik.reports.serious import is_serious
from avvik.users.models import User

#: A comment from the other side e-mails each person at most once per this interval.
COMMENT_MAIL_INTERVAL = timedelta(minutes=10)


def message_id_for(key: str) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "avvik.local"
    return f"<{key.replace(':', '.')}@{host}>"


def queue_email(user: User, template: str, key: str, *, report: Report | None = None,
                extra: dict[str, Any] | None = None) -> OutboxMessage:
    """Queue one e-mail to ``user``; the same ``key`` and user queue it only once."""
    task, payload, dedup_key = email_job(user, template, key,
                                         report_id=report.id if report else None, extra=extra)
    return enqueue(task, payload, dedup_key=dedup_key)


def email_job(user: User, template: str, key: str, *, report_id: int | None = None,
              extra: dict[str, Any] | None = None) -> Job:
    """The outbox job of ``queue_email``, for ``enqueue_many`` (many e-mails at once)."""
    full_key = f"{key}:{user.id}"
    return ("mail.send", {
        "user_id": user.id, "report_id": report_id,
        "template": template, "message_id": message_id_for(full_key),
        "extra": extra or {},
    }, f"mail:{full_key}")


def _stamp(moment: datetime | None) -> int:
    return int(moment.timestamp()) if moment else 0


def _unique(users: list[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        seen.setdefault(user.id, user)
    return list(seen.values())


#: The events that start a round of routing (avvik.routing.services.enqueue_routing).
ROUND_STARTS = ("submitted", "approved", "reopened", "forwarded")


def notify_routed(report: Report) -> int:
    """Tell the responsible unit; a case back after a reopening says so, not "new case"."""
    people = recipients.responsible_people(report.responsible_unit,
                                           report.receiving_organization_id)
    starts = [event.kind for event in report.events if event.kind in ROUND_STARTS]
    template = "case_reopened" if starts[-1:] == ["reopened"] else "case_routed"
    serious = is_serious(report)
    for user in people:
        queue_email(user, template, f"routed:{report.id}:{_stamp(report.routed_at)}",
                    report=report, extra={"serious": True} if serious else None)
    return len(people) + (notify_serious(report, people) if serious else 0)


def notify_serious(report: Report, told: list[User]) -> int:
    """A serious case: both organisations' coordinators are told at once (once a case),
    besides the responsible people already ``told``, with the duty to notify."""
    already = {user.id for user in told}
    people = [user for user in _unique([
        *recipients.coordinators(report.receiving_organization_id),
        *recipients.coordinators(report.reporting_organization_id)])
        if user.id not in already]
    for user in people:
        queue_email(user, "serious_case", f"serious:{report.id}", report=report)
    return len(people)


def notify_approval_requested(report: Report) -> int:
    people = recipients.nearest_leaders(report.reporting_unit)
    for user in people:
        queue_email(user, "approval_requested",
                    f"approval:{report.id}:{_stamp(report.submitted_at)}", report=report)
    return len(people)


def notify_answered(report: Report) -> int:
    people = _unique([report.reporter, *recipients.nearest_leaders(report.reporting_unit)])
    for user in people:
        queue_email(user, "case_answered", f"answered:{report.id}:{report.reopen_count}",
                    report=report)
    return len(people)


def notify_comment(report: Report, event: ReportEvent, *, now: datetime | None = None) -> int:
    """Tell the other side; at most one such e-mail per case per person per 10 minutes.

    A case answered jointly (a dispute about responsibility) has a second party: its
    coordinators read every comment of the others, and the responsible unit reads theirs.
    """
    now = now or utcnow()
    responsible = recipients.responsible_people(report.responsible_unit,
                                                report.receiving_organization_id)
    joint = (recipients.coordinators(report.joint_organization_id)
             if report.joint_organization_id else [])
    if event.data.get("side") == "reporting":
        people = [*responsible, *joint]
    elif any(user.id == event.actor_id for user in joint):
        people = [report.reporter, *responsible]
    else:
        people = [report.reporter, *joint]
    sent = 0
    for user in _unique(people):
        if user.id == event.actor_id or _recent_comment_mail(report.id, user.id, now):
            continue
        queue_email(user, "case_comment", f"comment:{report.id}:{event.id}", report=report)
        sent += 1
    return sent


def _recent_comment_mail(report_id: int, user_id: int, now: datetime) -> bool:
    prefix = f"mail:comment:{report_id}:"
    rows = db.session.execute(
        select(OutboxMessage.dedup_key)
        .where(OutboxMessage.dedup_key.like(f"{prefix}%"),
               OutboxMessage.created_at > now - COMMENT_MAIL_INTERVAL)
    ).scalars()
    return any(key.endswith(f":{user_id}") for key in rows)


FAN_OUT = {
    "mail.routed": lambda report, payload: notify_routed(report),
    "mail.approval_requested": lambda report, payload: notify_approval_requested(report),
    "mail.answered": lambda report, payload: notify_answered(report),
    "mail.comment": lambda report, payload: notify_comment(
        report, db.session.get(ReportEvent, payload["event_id"])),
}


def fan_out(task: str, payload: dict[str, Any]) -> int:
    """Handle a case event from the outbox: queue an e-mail per recipient."""
    report = db.session.get(Report, payload["report_id"])
    if report is None:
        return 0
    return FAN_OUT[task](report, payload)
