"""Tasks that do outbox work: each takes an outbox row id, claims it, runs a service.

The task names are the outbox rows' ``task`` values. A redelivered or resent message
finds its row already claimed or done and returns (avvik/outbox/runner.py).
"""

from __future__ import annotations

from typing import Any

from celery import shared_task

from avvik.extensions import db
from avvik.notifications.delivery import send_email
from avvik.notifications.services import fan_out
from avvik.outbox.dispatch import resend_due
from avvik.outbox.runner import run_outbox_message
from avvik.reports.models import Report
from avvik.routing.services import route_report


def _route(payload: dict[str, Any]) -> None:
    report = db.session.get(Report, payload["report_id"])
    if report is not None:
        route_report(report, forced_unit_id=payload.get("forced_unit_id"),
                     basis=payload.get("basis") or "forwarded")


@shared_task(name="reports.route")
def route(outbox_id: int) -> str:
    """Route a submitted, forwarded or reopened case to its responsible unit."""
    return run_outbox_message(outbox_id, _route)


def _fan_out_task(name: str):
    @shared_task(name=name)
    def task(outbox_id: int) -> str:
        return run_outbox_message(outbox_id, lambda payload: fan_out(name, payload))

    task.__doc__ = f"Queue one e-mail per recipient of {name!r}."
    return task


notify_routed = _fan_out_task("mail.routed")
notify_approval_requested = _fan_out_task("mail.approval_requested")
notify_answered = _fan_out_task("mail.answered")
notify_comment = _fan_out_task("mail.comment")


@shared_task(name="mail.send")
def send(outbox_id: int) -> str:
    """Send this row's e-mail and write it on its case's timeline
    (avvik/notifications/delivery.py)."""
    return send_email(outbox_id)


@shared_task(name="outbox.resend")
def resend() -> int:
    """Publish outbox work that is due again or whose worker died (beat, every 10 s)."""
    return resend_due()
