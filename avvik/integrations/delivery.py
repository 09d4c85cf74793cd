"""One attempt to deliver a webhook call, and what it leaves in the delivery log.

The body says what happened to which case and where to read it, nothing more: ids, the
event, when, the case's number and its URL in the API. Never its text, never the
patient: a receiver reads the case through the API with its service token. A 2xx is
delivered; a 5xx, a 429, a timeout or no connection is tried again (with the outbox's
back-off) until ``WEBHOOK_MAX_ATTEMPTS``; any other answer, a redirect included (never
followed: it could point anywhere), fails at once.
"""

from __future__ import annotations

import json
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import current_app

from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.integrations.models import DeliveryState, WebhookDelivery
from avvik.integrations.webhooks import SIGNATURE_HEADER, is_local_host, secret_of, signature
from avvik.reports.models import Report

USER_AGENT = "Avvik-Webhook/1"


@dataclass(frozen=True)
class Attempt:
    """What became of one attempt: ``retry`` when it is to be tried again."""

    state: DeliveryState
    retry: bool = False
    error: str | None = None


def body_of(delivery: WebhookDelivery, report: Report | None) -> dict[str, Any]:
    base = current_app.config["BASE_URL"]
    return {"id": delivery.id, "event": delivery.event,
            "occurred_at": delivery.occurred_at.isoformat(),
            "organization_id": delivery.webhook.organization_id,
            "report": {"id": delivery.report_id,
                       "case_number": report.case_number if report else None,
                       "url": f"{base}/api/v1/reports/{delivery.report_id}"}}


def attempt_delivery(delivery_id: int, *, now: datetime | None = None) -> Attempt | None:
    """POST the delivery once and record the outcome (flush); None when there is
    nothing to do (gone, or already settled)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state != DeliveryState.PENDING:
        return None
    now = now or utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    hook = delivery.webhook
    if not hook.is_active:
        return _settle(delivery, Attempt(DeliveryState.FAILED, error="webhook removed"))
    body = json.dumps(body_of(delivery, db.session.get(Report, delivery.report_id)),
                      separators=(",", ":")).encode()
    stamp = int(now.timestamp())
    status, error = _post(hook.url, body, {
        "Content-Type": "application/json", "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(secret_of(hook), stamp, body),
        "Avvik-Event": delivery.event, "Avvik-Delivery": str(delivery.id)})
    delivery.last_status = status
    if status is not None and 200 <= status < 300:
        delivery.delivered_at = now
        return _settle(delivery, Attempt(DeliveryState.DELIVERED))
    error = error or f"HTTP {status}"
    retryable = status is None or status >= 500 or status == 429
    if retryable and delivery.attempts < current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        return _settle(delivery, Attempt(DeliveryState.PENDING, retry=True, error=error))
    return _settle(delivery, Attempt(DeliveryState.FAILED, error=error))


def _settle(delivery: WebhookDelivery, attempt: Attempt) -> Attempt:
    delivery.state = attempt.state
    delivery.last_error = attempt.error[:300] if attempt.error else None
    db.session.flush()
    return attempt


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
    """(HTTP status, None), or (None, why) when no answer came."""
    if not current_app.config["WEBHOOK_ALLOW_INSECURE"] and _resolves_locally(url):
        return None, "the receiver's address is on this server"
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    try:
        response = requests.post(url, data=body, headers=headers, timeout=(timeout, timeout),
                                 allow_redirects=False, stream=True)
        response.close()  # its body is not read: a receiver says all with its status
    except requests.Timeout:
        return None, "no answer in time"
    except requests.RequestException as error:
        return None, f"not reached ({type(error).__name__})"
    if 300 <= response.status_code < 400:
        return response.status_code, f"HTTP {response.status_code}: redirects are not followed"
    return response.status_code, None


def _resolves_locally(url: str) -> bool:
    # Checked again at each attempt: a name registered harmless may point here later.
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False  # the POST fails on its own, and says so
    return is_local_host(host) or any(is_local_host(address) for address in addresses)
