"""Case lists at scale: ``list_reports`` for the demo's people, as the list page and
GET /api/v1/reports call it: each view as it opens, a deep page, sorts and filters.

Measured in-process against the benchmark's PostgreSQL (no HTTP), so the figure is the
query side of a list: the first matches counted and sorted, one page of rows, eager loads.
Past the cap a total is not exact: the lists say "more than 1,000 cases".
"""

from __future__ import annotations

import statistics
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from avvik.catalog.models import Category
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.integrations.feed import decode_cursor, read_changes, since
from avvik.reports.models import ReportStatus
from avvik.reports.queries import OPEN_STATUSES, ListView, ReportFilter, list_reports
from avvik.reports.queue import work_queue
from avvik.users.models import User

REPEATS = 7
OPEN_BY_DEADLINE = {"statuses": list(OPEN_STATUSES), "sort": "answer_due", "descending": False}


def _cases() -> list[tuple[str, str, ListView, dict[str, Any], int]]:
    """(name, username, view, filters, page). Dates are relative to today, as the data's."""
    a_year_ago = date.today().replace(day=1) - timedelta(days=365)
    month = (a_year_ago.replace(day=1), (a_year_ago.replace(day=28) + timedelta(days=4))
             .replace(day=1) - timedelta(days=1))
    category = db.session.execute(
        select(Category.id).filter_by(code="C-LEGEMIDDELLISTE")).scalar_one()
    org, inbox = ListView.ORGANIZATION, ListView.INBOX
    return [
        ("melder.kommune mine p1", "melder.kommune", ListView.MINE, {}, 1),
        # The inbox opens on its open cases, the nearest deadline first.
        ("leder.sykehus inbox open by deadline p1", "leder.sykehus", inbox, OPEN_BY_DEADLINE, 1),
        ("leder.sykehus inbox p1", "leder.sykehus", inbox, {}, 1),
        ("leder.sykehus inbox p100", "leder.sykehus", inbox, {}, 100),
        ("leder.sykehus inbox overdue p1", "leder.sykehus", inbox, {"overdue": True}, 1),
        ("koordinator.sykehus organization p1", "koordinator.sykehus", org, {}, 1),
        ("koordinator.sykehus organization p100", "koordinator.sykehus", org, {}, 100),
        ("koordinator.sykehus organization statuses p1", "koordinator.sykehus", org,
         {"statuses": [ReportStatus.ACKNOWLEDGED]}, 1),
        ("koordinator.sykehus organization open by deadline p1", "koordinator.sykehus", org,
         OPEN_BY_DEADLINE, 1),
        ("koordinator.sykehus organization by event p1", "koordinator.sykehus", org,
         {"sort": "event"}, 1),
        ("koordinator.sykehus organization by deadline p1", "koordinator.sykehus", org,
         {"sort": "answer_due"}, 1),
        ("koordinator.sykehus organization period by event p1", "koordinator.sykehus", org,
         {"date_from": month[0], "date_to": month[1], "sort": "event"}, 1),
        ("koordinator.sykehus organization category p1", "koordinator.sykehus", org,
         {"category_id": category}, 1),
        ("koordinator.kommune organization p1", "koordinator.kommune", org, {}, 1),
        ("admin all p1", "admin", ListView.ALL, {}, 1),
        ("admin all case_number p1", "admin", ListView.ALL, {"case_number": "SA-2025-00042"}, 1),
        # Search (avvik/reports/search.py): a word in a tenth of the cases, best matches
        # first and newest first; the end of a case number, of any year.
        ("koordinator.sykehus organization search by relevance p1", "koordinator.sykehus",
         org, {"search": "legemiddelliste", "sort": "relevance"}, 1),
        ("koordinator.sykehus organization search by created p1", "koordinator.sykehus",
         org, {"search": "legemiddelliste"}, 1),
        ("leder.sykehus inbox open search p1", "leder.sykehus", inbox,
         {"search": "epikrisen", "sort": "relevance", "statuses": list(OPEN_STATUSES)}, 1),
        ("admin all search case number end p1", "admin", ListView.ALL,
         {"search": "00042", "sort": "relevance"}, 1),
        # The start page's links: what changed lately, what is due this week.
        ("melder.kommune mine unread p1", "melder.kommune", ListView.MINE, {"unread": True}, 1),
        ("leder.sykehus inbox unread p1", "leder.sykehus", inbox,
         {"unread": True, "statuses": []}, 1),
        ("leder.sykehus inbox due this week p1", "leder.sykehus", inbox,
         {"due_this_week": True, **OPEN_BY_DEADLINE}, 1),
    ]


def run() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, username, view, extra, page in _cases():
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
        filters = ReportFilter(view=view, **extra)
        timings, total, exact = [], 0, True
        for _ in range(REPEATS):
            begun = time.perf_counter()
            result = list_reports(user, filters, page=page, per_page=25)
            timings.append((time.perf_counter() - begun) * 1000)
            total, exact = result.total, result.total_is_exact
            db.session.rollback()
        timings.sort()
        results[name] = {"total": total, "total_is_exact": exact,
                         "p50_ms": round(statistics.median(timings), 1),
                         "max_ms": round(timings[-1], 1)}
    results.update(_queues())
    results.update(_feeds())
    results["worst_p50_ms"] = max(v["p50_ms"] for v in results.values())
    return results


#: The start page's work queue (avvik/reports/queue.py) of each kind of person: every
#: section's count and first cases, the figures, the markers of the cases shown.
QUEUE_USERS = ("melder.kommune", "leder.sykehus", "koordinator.sykehus",
               "koordinator.kommune", "admin")


def _queues() -> dict[str, Any]:
    results: dict[str, Any] = {}
    for username in QUEUE_USERS:
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
        timings, counted = [], {}
        for _ in range(REPEATS):
            begun = time.perf_counter()
            queue = work_queue(user)
            timings.append((time.perf_counter() - begun) * 1000)
            counted = {s.key: s.count for s in queue.sections}
            db.session.rollback()
        timings.sort()
        results[f"{username} start page queue"] = {
            "counts": counted, "p50_ms": round(statistics.median(timings), 1),
            "max_ms": round(timings[-1], 1)}
    return results


def _feeds() -> dict[str, Any]:
    """The feed of changes (avvik/integrations/feed.py) as an organisation's quality
    system reads it (its service account sees what its coordinators see): a page of 100
    from a year back, and a page 5,000 changes into the feed, from its cursor."""
    results: dict[str, Any] = {}
    for username in ("koordinator.sykehus", "koordinator.kommune"):
        user = db.session.execute(select(User).filter_by(username=username)).scalar_one()
        start = since(utcnow() - timedelta(days=365))
        deep = decode_cursor(read_changes(user, start, limit=5000).next_cursor)
        db.session.rollback()
        for label, position in (("from a year back", start), ("5000 changes in", deep)):
            timings, items = [], 0
            for _ in range(REPEATS):
                begun = time.perf_counter()
                items = len(read_changes(user, position, limit=100).items)
                timings.append((time.perf_counter() - begun) * 1000)
                db.session.rollback()
            timings.sort()
            results[f"{username} feed {label} p1"] = {
                "items": items, "p50_ms": round(statistics.median(timings), 1),
                "max_ms": round(timings[-1], 1)}
    return results
