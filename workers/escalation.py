"""Periodic tasks of the escalation ladder and the vault; harmless when run twice."""

from __future__ import annotations

from celery import shared_task

from avvik.escalation.digest import queue_weekly_digests
from avvik.escalation.services import sweep as escalation_sweep
from avvik.extensions import db
from avvik.outbox.dispatch import publish_committed
from avvik.reports.vault import delete_expired_identities


@shared_task(name="escalation.sweep")
def sweep() -> int:
    """Reminders and escalations due now; each step is claimed once (conditional update)."""
    steps = escalation_sweep()
    db.session.commit()
    publish_committed()
    return len(steps)


@shared_task(name="escalation.weekly_digest")
def weekly_digest() -> int:
    """One digest per leader per ISO week (the outbox dedup key makes repeats no-ops)."""
    queued = queue_weekly_digests()
    db.session.commit()
    publish_committed()
    return queued


@shared_task(name="reports.delete_expired_identities")
def delete_expired_identities_task() -> int:
    """Delete patient identities kept longer than their community's retention."""
    deleted = delete_expired_identities()
    db.session.commit()
    return deleted
