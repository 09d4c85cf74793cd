"""Which changes of a case its parties' own systems hear of, and telling their webhooks.

A change that a party should see (filing, approval, routing, handling, an answer, a
comment, closing, reopening, escalation) moves the case's ``changed_at`` (in
avvik/reports/reads.py's UPDATE, or the filing's INSERT) and, for every active webhook
of a party, writes a delivery and its outbox row in the same transaction as the change.
Only parties that may see the case hear of it: the receiving side and a joint party not
before the case has been sent to them (avvik/reports/scope.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select

from avvik.extensions import db
from avvik.integrations.models import DeliveryState, Webhook, WebhookDelivery
from avvik.outbox.services import enqueue
from avvik.reports.models import ReportStatus

#: Timeline kinds that are a change for the parties, and the webhook event each sends.
EVENTS: dict[str, str] = {
    "submitted": "case.filed", "approved": "case.filed",
    "answered": "case.answered", "closed": "case.closed",
    **dict.fromkeys(("returned", "routed", "escalated", "acknowledged", "comment",
                     "reopened", "forwarded", "withdrawn", "declined", "disagreed_again",
                     "answer_delivered"), "case.changed"),
}
#: Not yet the receiving side's (nor a joint party's): they hear of it once it is sent.
NOT_YET_SENT = (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL)
#: The task that delivers one webhook call (workers/integrations.py).
DELIVER_TASK = "webhooks.deliver"


class Case(Protocol):
    """What announcing needs of a case: a loaded Report, or a row of a bulk UPDATE."""

    id: int
    status: ReportStatus
    reporting_organization_id: int
    receiving_organization_id: int | None
    joint_organization_id: int | None


def is_change(kind: str) -> bool:
    """Whether a timeline line of ``kind`` moves the case's ``changed_at``."""
    return kind in EVENTS


def changed_at_of(events: Iterable[dict[str, Any]], created_at: datetime) -> datetime:
    """``changed_at`` as the given timeline lines (dicts: kind, created_at) leave it, for
    cases written in bulk (the demo's and the benchmark's history)."""
    return max((e["created_at"] for e in events if is_change(e["kind"])), default=created_at)


def parties(case: Case) -> set[int]:
    """The organisations that see the case now."""
    if case.status == ReportStatus.DRAFT:
        return set()
    found = {case.reporting_organization_id}
    if case.status not in NOT_YET_SENT:
        found |= {case.receiving_organization_id, case.joint_organization_id}
    return found - {None}


def announce(case: Case, kind: str, now: datetime) -> list[int]:
    """Queue one delivery per active webhook of the case's parties; returns their ids.

    One SELECT when no party has a webhook; the delivery, its outbox row, per webhook.
    """
    event = EVENTS.get(kind)
    orgs = parties(case) if event else set()
    if not orgs:
        return []
    hooks = db.session.execute(select(Webhook.id, Webhook.organization_id).where(
        Webhook.organization_id.in_(sorted(orgs)), Webhook.disabled_at.is_(None))).all()
    ids = []
    for hook_id, organization_id in hooks:
        delivery = WebhookDelivery(webhook_id=hook_id, report_id=case.id,
                                   event=_event_for(kind, event, organization_id, case),
                                   occurred_at=now, state=DeliveryState.PENDING,
                                   attempts=0, created_at=now)
        db.session.add(delivery)
        db.session.flush()
        enqueue(DELIVER_TASK, {"delivery_id": delivery.id},
                dedup_key=f"webhook:{delivery.id}")
        ids.append(delivery.id)
    return ids


def _event_for(kind: str, event: str, organization_id: int, case: Case) -> str:
    # The reporting side heard "case.filed" when the report was submitted for approval;
    # the approval is news to it, and the filing to the receiving side.
    if kind == "approved" and organization_id == case.reporting_organization_id:
        return "case.changed"
    return event
