"""Dashboards over the whole history: each statistics query (``build_table`` for every
name, and the page's total) against the bare SQL it emits run through psycopg, and the
whole pages through the production server, for the secretariat and for a unit's leader.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg
from sqlalchemy import event, select

from avvik.core.timeutil import oslo_today
from avvik.demo.people import DEMO_PASSWORD
from avvik.extensions import db
from avvik.stats import queries
from avvik.stats.filters import StatsFilter
from avvik.stats.services import build_table, table_names
from avvik.users.models import User
from bench.load import percentile
from bench.web import Browser

VIEWERS = {"secretariat": "sekretariat", "leader": "leder.sykehus"}
PAGES = {"overview": "/dashboards/", "breakdowns": "/dashboards/breakdowns",
         "performance": "/dashboards/performance", "measures": "/dashboards/measures",
         # The measures' own list (avvik/measures): its visibility rule reads the cases.
         "measures_list": "/measures/"}


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(values, 0.5) * 1000, 2),
            "p95_ms": round(percentile(values, 0.95) * 1000, 2)}


def _capture(run: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements (with parameters) that ``run`` sends to the driver."""
    seen: list[tuple[str, Any]] = []

    def listener(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return seen


def _paired(first: Callable[[], Any], second: Callable[[], Any], repeats: int
            ) -> tuple[list[float], list[float]]:
    """Times of each, taken in turns (first, second, first, ...) after a warm-up of both:
    a drift in the machine's speed falls on both alike, not on whichever ran later."""
    first()  # warm: plans, caches, lazy loads of the viewer
    second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for run, out in zip((first, second), times, strict=True):
            started = time.perf_counter()
            run()
            out.append(time.perf_counter() - started)
    return times


def query_figures(database_url: str, repeats: int) -> dict[str, Any]:
    """{viewer: {query: p50, p95, bare p50, ratio, overhead}} for every table and the
    total."""
    filters = StatsFilter.from_query({}, today=oslo_today())
    out: dict[str, Any] = {}
    with psycopg.connect(database_url, autocommit=True) as raw:
        for role, username in VIEWERS.items():
            viewer = db.session.execute(select(User).filter_by(username=username)).scalar_one()
            runs: dict[str, Callable[[], Any]] = {
                name: (lambda n=name, v=viewer: build_table(n, v, filters))
                for name in table_names()}
            runs["total"] = lambda v=viewer: queries.total_count(v, filters)
            figures: dict[str, Any] = {}
            for name, run in runs.items():
                # Captured from the second run: the first also loads what the viewer's
                # session keeps (memberships, units), which no later run asks for again.
                run()
                statements = _capture(run)
                orm, bare = _paired(run, lambda s=statements: _replay(raw, s), repeats)
                figures[name] = {**_ms(orm), "statements": len(statements),
                                 "bare_p50_ms": _ms(bare)["p50_ms"],
                                 "ratio": round(percentile(orm, 0.5) / percentile(bare, 0.5), 2)
                                 if statements else None,
                                 # The same in milliseconds: what the ratio means for a
                                 # query of a fraction of a millisecond.
                                 "overhead_ms": round((percentile(orm, 0.5)
                                                       - percentile(bare, 0.5)) * 1000, 3)}
            out[role] = figures
            db.session.commit()
    return out


def _replay(raw: psycopg.Connection, statements: list[tuple[str, Any]]) -> None:
    with raw.cursor() as cursor:
        for statement, parameters in statements:
            cursor.execute(statement, parameters or None)
            if cursor.description is not None:
                cursor.fetchall()


def page_figures(port: int, repeats: int) -> dict[str, Any]:
    """p50/p95 of each dashboard page, signed in as each viewer, no filter."""
    out: dict[str, Any] = {}
    for role, username in VIEWERS.items():
        browser = Browser(port)
        browser.login(username, DEMO_PASSWORD)
        out[role] = {}
        for page, path in PAGES.items():
            times = []
            for i in range(repeats + 2):
                status, body, elapsed = browser.request("GET", path)
                if status != 200:
                    raise RuntimeError(f"GET {path} as {username}: HTTP {status}")
                if i > 1:  # the first ones warm both worker processes
                    times.append(elapsed)
            out[role][page] = {**_ms(times), "bytes": len(body)}
    return out
