"""Reports of one event in the demo: linked pairs, and likely matches left for a person.

The drawn history has, by chance, reports from both sides of one discharge: the same two
organisations the other way, at the same transition, within three days. About half of
those pairs are linked here, by a coordinator of one of the two organisations, with a
reason on both timelines; the others stay as likely matches that the case page offers to
those who may read both.

A pair is linked the day after its second report came in, while both cases are still
open (before either is closed or linked to a measure); the two timelines are then written
again in order of time (avvik/demo/ordering.py), so the line is not shown after the close.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from avvik.demo.ordering import life_ends, put_in_time_order
from avvik.demo.people import People
from avvik.extensions import db
from avvik.reports.links import MATCH_DAYS, NOT_LINKABLE
from avvik.reports.models import Report, ReportEvent, ReportLink

#: Pairs linked at most; the rest stay likely matches.
MAX_LINKED = 24
REASONS = (
    "Samme utskrivning, meldt fra begge sider.",
    "Kommunen og sykehuset har meldt den samme hendelsen.",
    "Samme pasientforløp og samme dag: én hendelse.",
)


def _pairs() -> list[tuple[Any, Any]]:
    """Likely reports of one event from both sides, each report in one pair at most."""
    rows = db.session.execute(
        select(Report.id, Report.reporting_organization_id, Report.receiving_organization_id,
               Report.transition_id, Report.event_date, Report.submitted_at)
        .where(Report.status.not_in(NOT_LINKABLE)).order_by(Report.id)).all()
    seen: dict[tuple[int, int, int], list[Any]] = defaultdict(list)
    pairs, used = [], set()
    for row in rows:
        for other in seen[(row.receiving_organization_id, row.reporting_organization_id,
                           row.transition_id)]:
            if (other.id not in used
                    and abs((other.event_date - row.event_date).days) <= MATCH_DAYS):
                pairs.append((other, row))
                used |= {other.id, row.id}
                break
        seen[(row.reporting_organization_id, row.receiving_organization_id,
              row.transition_id)].append(row)
    return pairs


def link_demo_events(people: People, *, now: datetime, seed: int) -> tuple[int, int]:
    """Link about half of the history's likely pairs; return (linked, left as matches)."""
    rng = random.Random(f"{seed}-links")
    pairs = _pairs()
    chosen = [p for p in pairs if rng.random() < 0.5][:MAX_LINKED]
    ends = life_ends(r.id for pair in chosen for r in pair)
    links, events = [], []
    for first, second in chosen:
        coordinators = (people.coordinators.get(first.receiving_organization_id)
                        or people.coordinators.get(first.reporting_organization_id))
        if not coordinators:
            continue
        filed = max(first.submitted_at, second.submitted_at)
        moment = min(now, filed + timedelta(days=1),
                     *(ends[r.id] - timedelta(seconds=1) for r in (first, second)
                       if r.id in ends))
        if moment < filed:  # one was closed before the other came in: left as a match
            continue
        reason = rng.choice(REASONS)
        links.append({"report_a_id": first.id, "report_b_id": second.id, "reason": reason,
                      "linked_by_id": coordinators[0], "linked_at": moment})
    if links:
        ids = db.session.scalars(insert(ReportLink).returning(
            ReportLink.id, sort_by_parameter_order=True), links).all()
        for link_id, link in zip(ids, links, strict=True):
            events += [{"report_id": report_id, "actor_id": link["linked_by_id"],
                        "kind": "linked", "text": link["reason"], "data": {"link_id": link_id},
                        "created_at": link["linked_at"]}
                       for report_id in (link["report_a_id"], link["report_b_id"])]
        db.session.execute(insert(ReportEvent), events)
        put_in_time_order(event["report_id"] for event in events)
    db.session.flush()
    return len(links), len(pairs) - len(links)
