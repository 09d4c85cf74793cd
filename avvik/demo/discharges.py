"""Discharges per month for some demo units, so that the measures' evaluation shows
cases per 100 discharges (avvik.measures.evaluation) beside units that show counts."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import func, insert, select

from avvik.core.timeutil import OSLO, add_months
from avvik.discharges.models import DischargeCount
from avvik.extensions import db
from avvik.measures.models import Measure
from avvik.reports.models import Report


def register_demo_discharges(leaders: Mapping[int, int], *, now: datetime, seed: int) -> int:
    """Every other unit that owns a measure gets a figure for each month from the first
    case's to the last one ended; flush. Returns the figures registered."""
    rng = random.Random(f"{seed}-discharges")
    first = db.session.scalar(select(func.min(Report.event_date)))
    owners = sorted(db.session.scalars(select(Measure.owning_unit_id).distinct()))
    if first is None or not owners:
        return 0
    last = now.astimezone(OSLO).date().replace(day=1)
    months = []
    month = first.replace(day=1)
    while month < last:
        months.append(month)
        month = add_months(month, 1)
    rows = []
    for unit_id in owners[::2]:
        usual = rng.randint(60, 240)  # a ward's or a district's discharges a month
        rows += [{"unit_id": unit_id, "month": m, "count": max(0, round(rng.gauss(usual,
                                                                                  usual / 10))),
                  "registered_by_id": leaders.get(unit_id) or next(iter(leaders.values())),
                  "registered_at": now} for m in months]
    if rows:
        db.session.execute(insert(DischargeCount), rows)
    db.session.flush()
    return len(rows)
