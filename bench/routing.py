"""Routing latency: from the moment POST /api/v1/reports returns to the moment the SMTP
server has accepted the e-mail to the responsible unit's leader (the coordinators' when
the case went to them). Cases are filed one at a time, each after the last one's e-mail.
"""

from __future__ import annotations

import re
import time
from typing import Any

from avvik.extensions import db
from avvik.notifications import recipients
from avvik.organizations.models import Unit
from avvik.reports.models import Report
from avvik.users.models import Role
from bench.load import percentile
from bench.procs import wait_for
from bench.smtp import CountingSmtp
from bench.web import post_json

#: The Message-ID of the "case routed" e-mail: routed.<case>.<routed at>.<user>@host
ROUTED = re.compile(r"^routed\.(\d+)\.\d+\.(\d+)@")
CASE_TIMEOUT = 30.0
#: How long each POST took (not part of the latency, which starts when it returns).
POST_SECONDS: list[float] = []


def file_cases(port: int, plans: list, count: int, smtp: CountingSmtp,
               budget_seconds: float) -> dict[int, float]:
    """File ``count`` cases (bounded by ``budget_seconds``); {case id: when POST returned}."""
    returned: dict[int, float] = {}
    POST_SECONDS.clear()
    stop_at = time.monotonic() + budget_seconds
    for i in range(count):
        if time.monotonic() > stop_at:
            break
        headers, bodies = plans[i % len(plans)]
        sent = time.monotonic()
        status, answer = post_json(port, "/api/v1/reports", bodies[i % len(bodies)], headers)
        if status != 201:
            raise RuntimeError(f"POST /api/v1/reports answered {status}: {answer}")
        returned[answer["id"]] = time.monotonic()
        POST_SECONDS.append(returned[answer["id"]] - sent)
        wait_for(lambda rid=answer["id"]: smtp.first_matching(f"routed.{rid}."),
                 CASE_TIMEOUT, f"the e-mail of case {answer['id']}", interval=0.005)
    time.sleep(1.0)  # the leader's e-mail may follow a handler's
    return returned


def latencies(smtp: CountingSmtp, returned: dict[int, float]) -> list[float]:
    """Per case: POST returned -> the leaders' (else first) e-mail accepted, seconds."""
    arrivals: dict[int, dict[int, float]] = {}
    with smtp.handler.lock:
        for key, at in smtp.handler.by_id.items():
            match = ROUTED.match(key)
            if match and int(match.group(1)) in returned:
                arrivals.setdefault(int(match.group(1)), {})[int(match.group(2))] = at
    out = []
    for case_id, posted in returned.items():
        got = arrivals.get(case_id)
        if not got:
            continue
        leaders = set(_leader_ids(case_id))
        chosen = [at for user_id, at in got.items() if user_id in leaders] or list(got.values())
        out.append(min(chosen) - posted)
    db.session.commit()
    return out


def _leader_ids(case_id: int) -> list[int]:
    report = db.session.get(Report, case_id)
    unit = db.session.get(Unit, report.responsible_unit_id) if report.responsible_unit_id \
        else None
    people = recipients.people_in([unit.id], [Role.LEADER]) if unit else []
    return [u.id for u in people]


def figures(values: list[float], filed: int) -> dict[str, Any]:
    return {"filed": filed, "measured": len(values),
            "p50_s": round(percentile(values, 0.5), 3),
            "p95_s": round(percentile(values, 0.95), 3),
            "max_s": round(max(values), 3) if values else None,
            "post_p50_ms": round(percentile(POST_SECONDS, 0.5) * 1000, 1)}
