"""What ``/metrics`` reads from the database at scrape time, and who may scrape it.

Read at scrape time, these are right whichever web process or machine answers and need
no worker of ours to report them: the outbox's depth and age, the e-mails the outbox has
sent or failed, the open cases at each escalation level, the worker's heartbeat age.
A database that does not answer shows as ``avvik_database_up 0``, not as a failed scrape.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
from collections.abc import Iterable

from flask import current_app, request
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from avvik.core.heartbeat import last_heartbeat
from avvik.core.timeutil import utcnow
from avvik.escalation.services import OPEN
from avvik.extensions import db
from avvik.notifications.delivery import TASK as EMAIL_TASK
from avvik.outbox.models import OutboxMessage, OutboxState
from avvik.outbox.queries import backlog
from avvik.reports.models import Report

#: Headers a reverse proxy adds. A request through the proxy on this host comes from
#: 127.0.0.1 too, so an address is believed only for a request that came straight here.
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP")


def may_scrape() -> bool:
    """An allowed address (AVVIK_METRICS_ALLOW) or the bearer token AVVIK_METRICS_TOKEN."""
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    if any(name in request.headers for name in PROXY_HEADERS):
        return False  # through a proxy: the address is the proxy's, not the asker's
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in current_app.config["METRICS_ALLOW"])


class DatabaseCollector(Collector):
    def describe(self) -> Iterable[Metric]:
        return []  # nothing is read while registering; only when scraped

    def collect(self) -> Iterable[Metric]:
        try:
            found = list(_from_database())
        except SQLAlchemyError:
            db.session.rollback()
            found = []
        yield GaugeMetricFamily("avvik_database_up", "1 if the database answered this scrape",
                                value=1 if found else 0)
        yield from found


def _from_database() -> Iterable[Metric]:
    now = utcnow()
    outbox = backlog(now)
    yield GaugeMetricFamily("avvik_outbox_pending", "Outbox rows not done yet",
                            value=outbox.pending)
    yield GaugeMetricFamily("avvik_outbox_failing",
                            "Outbox rows whose tries count as failing, still retried",
                            value=outbox.failing)
    yield GaugeMetricFamily("avvik_outbox_failed",
                            "Outbox rows failed for good, until re-queued", value=outbox.failed)
    yield GaugeMetricFamily("avvik_outbox_oldest_age_seconds",
                            "Age of the oldest outbox row not done yet (0 when none)",
                            value=outbox.oldest_seconds or 0)
    emails = CounterMetricFamily("avvik_emails", "E-mails the outbox has sent or failed",
                                 labels=["outcome"])
    counts = dict(db.session.execute(
        select(OutboxMessage.state, func.count())
        .where(OutboxMessage.task == EMAIL_TASK,
               OutboxMessage.state.in_([OutboxState.DONE, OutboxState.FAILED]))
        .group_by(OutboxMessage.state)).all())
    emails.add_metric(["sent"], counts.get(OutboxState.DONE, 0))
    emails.add_metric(["failed"], counts.get(OutboxState.FAILED, 0))
    yield emails
    escalated = GaugeMetricFamily("avvik_escalated_cases",
                                  "Open cases at each escalation level", labels=["level"])
    levels = dict(db.session.execute(
        select(Report.escalation_level, func.count())
        .where(Report.status.in_(OPEN), Report.escalation_level > 0)
        .group_by(Report.escalation_level)).all())
    for level in (1, 2, 3):
        escalated.add_metric([str(level)], levels.get(level, 0))
    yield escalated
    beat = last_heartbeat()
    yield GaugeMetricFamily("avvik_worker_heartbeat_age_seconds",
                            "Seconds since a worker last recorded beat's heartbeat "
                            "(+Inf if never)",
                            value=(now - beat).total_seconds() if beat else math.inf)
