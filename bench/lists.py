"""Case lists at scale: ``list_reports`` for the demo's people, first and a deep page.

Measured in-process against the benchmark's PostgreSQL (no HTTP), so the figure is the
query side of /reports/ and GET /api/v1/reports: count, one page of rows, eager loads.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from sqlalchemy import select

from avvik.extensions import db
from avvik.reports.models import ReportStatus
from avvik.reports.queries import ListView, ReportFilter, list_reports
from avvik.users.models import User

REPEATS = 7
CASES = [
    ("melder.kommune", ListView.MINE, {}, 1),
    ("leder.sykehus", ListView.INBOX, {}, 1),
    ("leder.sykehus", ListView.INBOX, {"overdue": True}, 1),
    ("koordinator.sykehus", ListView.ORGANIZATION, {}, 1),
    ("koordinator.sykehus", ListView.ORGANIZATION, {}, 100),
    ("koordinator.sykehus", ListView.ORGANIZATION,
     {"statuses": [ReportStatus.ACKNOWLEDGED]}, 1),
    ("admin", ListView.ALL, {}, 1),
    ("admin", ListView.ALL, {"case_number": "SA-2025-00042"}, 1),
]


def run() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for username, view, extra, page in CASES:
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
        filters = ReportFilter(view=view, **extra)
        timings, total = [], 0
        for _ in range(REPEATS):
            begun = time.perf_counter()
            result = list_reports(user, filters, page=page, per_page=25)
            timings.append((time.perf_counter() - begun) * 1000)
            total = result.total
            db.session.rollback()
        name = f"{username} {view.value}{' ' + ','.join(extra) if extra else ''} p{page}"
        timings.sort()
        results[name] = {"total": total, "p50_ms": round(statistics.median(timings), 1),
                         "max_ms": round(timings[-1], 1)}
    results["worst_p50_ms"] = max(v["p50_ms"] for v in results.values())
    return results
