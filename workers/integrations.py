"""Webhook deliveries: one outbox row per call, tried again with the outbox's back-off."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from avvik.extensions import db
from avvik.integrations.delivery import attempt_delivery
from avvik.outbox.retry import RetryLater
from avvik.outbox.runner import run_outbox_message


def _deliver(payload: dict[str, Any]) -> None:
    attempt = attempt_delivery(payload["delivery_id"])
    if attempt is not None and attempt.retry:
        # The attempt stays in the log; the outbox row waits for its next try.
        db.session.commit()
        raise RetryLater(attempt.error or "to be tried again")


@shared_task(name="webhooks.deliver")
def deliver(outbox_id: int) -> str:
    """POST one signed webhook call and log it; a failure that may pass is retried."""
    return run_outbox_message(outbox_id, _deliver)
