"""The demo's serious events: most with their notices recorded, some still waiting.

The history draws consequences by the domain brief's shares (significant harm 1-3 %,
death under 0.5 %), so a few of its cases are serious events. Here about three in four of
those the receiving side has handled have the notice to Helsetilsynet recorded, most of
them as sent, and about half say whether the patient or next of kin was informed; the
newest serious case and the others still show the duty on their case page.

A notice is recorded hours after routing, before the case was closed or linked to a
measure; the timelines are then written again in order of time (avvik/demo/ordering.py),
so that the line is not shown after the case's later ones.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from avvik.core.timeutil import oslo_today
from avvik.demo.ordering import life_ends, put_in_time_order
from avvik.extensions import db
from avvik.notifications import recipients
from avvik.reports.events import new_event
from avvik.reports.models import Report
from avvik.reports.notices import CaseNotice, NoticeKind
from avvik.reports.serious import serious_condition
from avvik.reports.workflow import SENT_ON
from avvik.users.models import User


def record_demo_notices(*, now: datetime, seed: int) -> tuple[int, int]:
    """Record notices on the history's serious cases; (recorded, still waiting)."""
    rng = random.Random(seed + 303)
    cases = db.session.scalars(select(Report).where(
        serious_condition(), Report.status.in_(SENT_ON), Report.routed_at.is_not(None))
        .order_by(Report.routed_at)).all()
    ends = life_ends(report.id for report in cases)
    recorded, touched = 0, []
    for report in cases[:-1]:  # the newest one waits, whatever the draw
        people = recipients.coordinators(report.receiving_organization_id)
        if not people or rng.random() >= 0.75:
            continue
        moment = min(report.routed_at + timedelta(hours=rng.randint(2, 30)), now,
                     ends.get(report.id, now) - timedelta(seconds=1))
        moment = max(moment, report.routed_at)
        sent = rng.random() < 0.9
        _record(report, people[0], NoticeKind.AUTHORITY, "yes" if sent else "no",
                moment, by_whom="Klinikkleder" if sent else "",
                note="" if sent else "Vurderes sammen med kommunen; avklares innen fredag.")
        recorded += 1
        touched.append(report.id)
        if rng.random() < 0.5:
            _record(report, people[0], NoticeKind.PATIENT,
                    rng.choice(("yes", "yes", "not_applicable")), moment)
    put_in_time_order(touched)
    return recorded, len(cases) - recorded


def _record(report: Report, user: User, kind: NoticeKind, answer: str, moment: datetime,
            *, by_whom: str = "", note: str = "") -> None:
    on_date = oslo_today(moment) if answer == "yes" else None
    db.session.add(CaseNotice(report_id=report.id, kind=kind.value, answer=answer,
                              on_date=on_date, by_whom=by_whom, note=note,
                              recorded_at=moment, recorded_by_id=user.id))
    event = new_event(report, f"{kind.value}_notice", user, note, answer=answer,
                      on_date=on_date.isoformat() if on_date else None, by_whom=by_whom,
                      corrected=False)
    event.created_at = moment
    db.session.add(event)
