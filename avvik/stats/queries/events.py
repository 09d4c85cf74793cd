"""Events as well as reports: linked reports of one event counted once.

An event is a connected group of reports linked to each other (avvik/reports/links.py);
a report linked to none is an event of its own. Within a selection only the links whose
two cases are both in it join them, so the count of events never depends on cases the
viewer's statistics do not count. The links are few beside the cases: the query starts
from them, and those of the selection's cases leave the database to be grouped in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.sql.util import ClauseAdapter

from avvik.core.db import run
from avvik.reports.models import Report, ReportLink
from avvik.stats.queries.base import Selection, Shape, condition
from avvik.stats.queries.counts import count_of


@dataclass(frozen=True)
class EventCount:
    reports: int  #: cases in the selection
    events: int  #: events: linked cases of one event counted once
    linked_reports: int  #: cases in the selection linked to another in it


def event_count(chosen: Selection, reports: int | None = None) -> EventCount:
    """The selection's reports and events (``reports``: the total, if known already)."""
    total = count_of(chosen) if reports is None else reports
    pairs = run(_links(chosen.shape), chosen.params).all()
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups = len({root(node) for node in list(parent)})
    return EventCount(total, total - len(parent) + groups, len(parent))


@lru_cache(maxsize=64)
def _links(shape: Shape) -> Select[Any]:
    # Read from the few links, each end's case joined and held to the selection's
    # condition: the selection's cases are not scanned again (the total has counted them).
    selected = condition(shape, literal_period=False)
    first, second = Report.__table__.alias("first_case"), Report.__table__.alias("second_case")
    return (select(ReportLink.report_a_id, ReportLink.report_b_id)
            .join(first, first.c.id == ReportLink.report_a_id)
            .join(second, second.c.id == ReportLink.report_b_id)
            .where(ReportLink.unlinked_at.is_(None),
                   ClauseAdapter(first).traverse(selected),
                   ClauseAdapter(second).traverse(selected)))
