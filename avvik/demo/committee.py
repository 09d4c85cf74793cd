"""The demo's joint committee: its agenda, a meeting held and one coming up.

Every open case the history took to escalation level 3 is on the agenda, as the sweep
would have put it there. At the meeting held four weeks ago the committee concluded on
three answered cases a coordinator had flagged, and said who follows up. A coordinator
flags one open case now (the real service: the secretariat and the coordinators are
e-mailed), and it, the dispute the demo sent to the committee and the newest escalated
cases are set on the meeting in two weeks. Timeline lines are only ever appended after a
case's last one, so that a timeline read in order of id is in order of time.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update

from avvik.committee.models import AgendaItem, AgendaSource, AgendaStatus, Meeting
from avvik.committee.services import open_item_of, place_on_agenda
from avvik.core.errors import DomainError
from avvik.core.timeutil import OSLO, oslo_today
from avvik.demo.people import People
from avvik.extensions import db
from avvik.organizations.models import Organization
from avvik.reports.models import Report, ReportEvent, ReportStatus
from avvik.reports.workflow import Step, check
from avvik.users.models import User

OPEN = (ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED)
FLAG_REASON = ("Uklart hvem som skal skaffe hjelpemidler før utskrivning (samsone); "
               "vi ber samarbeidsutvalget avklare ansvaret.")
PAST_REASON = "Vi er ikke enige i svaret; rutinen ved utskrivning må avklares mellom partene."
#: (conclusion, outcome, the receiving side follows up?, who follows up in words)
CONCLUSIONS = (
    ("Sykehuset sender epikrise samme dag som pasienten skrives ut. Kommunen melder straks "
     "fra når den mangler.", AgendaStatus.RETURNED, True, "Klinikksjef, innen neste møte"),
    ("Rutinen for legemiddelliste ved utskrivning gjennomgås i fagrådet for "
     "utskrivningsklare pasienter.", AgendaStatus.RETURNED, False,
     "Fagrådet legger fram forslag i neste møte"),
    ("Saken er besvart og rutinen endret. Utvalget tar saken til orientering.",
     AgendaStatus.CLOSED, True, ""),
)
Line = tuple[AgendaItem, datetime, str, str, dict[str, Any], int | None]


def seat_demo_committee(people: People, *, now: datetime) -> tuple[int, int]:
    """Fill the agenda and its two meetings; returns (open items, resolved items)."""
    secretary = db.session.get(User, people.user_ids["sekretariat"])
    community_id = db.session.scalar(select(Organization.health_community_id).limit(1))
    if community_id is None:
        return 0, 0
    today = oslo_today(now)
    held = Meeting(health_community_id=community_id, held_on=today - timedelta(days=28),
                   title="Møte i samarbeidsutvalget", created_at=now - timedelta(days=60))
    coming = Meeting(health_community_id=community_id, held_on=today + timedelta(days=14),
                     title="Møte i samarbeidsutvalget", created_at=now - timedelta(days=20))
    db.session.add_all([held, coming])
    db.session.flush()
    lines: list[Line] = []
    escalated = _escalated(community_id, lines)
    _held(community_id, held, secretary, people, lines)
    flagged = _flag_one(people, now)
    db.session.flush()
    if flagged is not None:  # the service's line says the wall clock; the flag is ``now``
        db.session.execute(update(ReportEvent).where(
            ReportEvent.report_id == flagged.report_id, ReportEvent.created_at > now)
            .values(created_at=now).execution_options(synchronize_session=False))
    latest = dict(db.session.execute(select(ReportEvent.report_id,
                                            func.max(ReportEvent.created_at))
                                     .group_by(ReportEvent.report_id)).all())
    for item in dict.fromkeys([flagged, *_open_disputes(), *escalated[-3:]]):
        if item is not None and item.meeting_id is None:
            item.meeting_id = coming.id
            lines.append((item, max(now, latest.get(item.report_id, now)),
                          "committee_scheduled", "", {"held_on": coming.held_on.isoformat()},
                          secretary.id))
    _write(lines)
    opened = db.session.scalars(select(AgendaItem.status)).all()
    return (sum(s == AgendaStatus.OPEN for s in opened),
            sum(s != AgendaStatus.OPEN for s in opened))


def _last_lines() -> Any:
    return (select(ReportEvent.report_id, func.max(ReportEvent.created_at).label("last"))
            .group_by(ReportEvent.report_id).subquery())


def _escalated(community_id: int, lines: list[Line]) -> list[AgendaItem]:
    """An open item for each open case at level 3, placed when it got there; oldest first."""
    last = _last_lines()
    cases = db.session.execute(
        select(Report.id, Report.escalated_at, last.c.last)
        .join(last, last.c.report_id == Report.id)
        .where(Report.escalation_level == 3, Report.status.in_(OPEN),
               Report.id.not_in(select(AgendaItem.report_id)))
        .order_by(Report.escalated_at, Report.id)).all()
    items = []
    for case in cases:
        item = AgendaItem(report_id=case.id, health_community_id=community_id,
                          source=AgendaSource.ESCALATION, reason="",
                          placed_at=case.escalated_at, follow_up_note="")
        lines.append((item, max(case.escalated_at, case.last), "committee_placed", "",
                      {"source": "escalation"}, None))
        items.append(item)
    db.session.add_all(items)
    return items


def _held(community_id: int, held: Meeting, secretary: User, people: People,
          lines: list[Line]) -> None:
    """Three answered cases, flagged by a coordinator after the answer, concluded at the
    meeting held (cases with nothing on their timeline since, and no measure)."""
    meeting_at = datetime.combine(held.held_on, time(13), OSLO)
    last = _last_lines()
    measured = select(ReportEvent.report_id).where(ReportEvent.kind == "measure_linked")
    cases = db.session.execute(
        select(Report.id, Report.reporting_organization_id, Report.receiving_organization_id,
               last.c.last).join(last, last.c.report_id == Report.id)
        .where(Report.status == ReportStatus.ANSWERED,
               last.c.last < meeting_at - timedelta(days=8), Report.id.not_in(measured),
               Report.id.not_in(select(AgendaItem.report_id)))
        .order_by(last.c.last.desc(), Report.id).limit(len(CONCLUSIONS))).all()
    for case, (text, outcome, receiver, note) in zip(cases, CONCLUSIONS, strict=False):
        flagger = (people.coordinators.get(case.reporting_organization_id) or [None])[0]
        placed = case.last + timedelta(days=1)
        item = AgendaItem(
            report_id=case.id, health_community_id=community_id, meeting_id=held.id,
            source=AgendaSource.FLAGGED, reason=PAST_REASON, placed_at=placed,
            placed_by_id=flagger, conclusion=text, follow_up_note=note, status=outcome,
            follow_up_organization_id=(case.receiving_organization_id if receiver
                                       else case.reporting_organization_id),
            concluded_at=meeting_at, resolved_at=meeting_at + timedelta(minutes=1),
            concluded_by_id=secretary.id, resolved_by_id=secretary.id)
        db.session.add(item)
        lines += [
            (item, placed, "committee_placed", PAST_REASON, {"source": "flagged"}, flagger),
            (item, placed + timedelta(days=1), "committee_scheduled", "",
             {"held_on": held.held_on.isoformat()}, secretary.id),
            (item, meeting_at, "committee_concluded", text, {}, secretary.id),
            (item, meeting_at + timedelta(minutes=1), f"committee_{outcome.value}", "", {},
             secretary.id)]


def _write(lines: list[Line]) -> None:
    db.session.flush()  # the items' ids, for the lines that name them
    if lines:
        db.session.execute(insert(ReportEvent), [
            {"report_id": item.report_id, "actor_id": actor, "kind": kind, "text": text,
             "created_at": at,
             "data": data if kind == "committee_scheduled" else {**data, "item_id": item.id}}
            for item, at, kind, text, data, actor in lines])
    db.session.flush()


def _flag_one(people: People, now: datetime) -> AgendaItem | None:
    """The municipality's coordinator flags the newest open case between the two."""
    coordinator = db.session.get(User, people.user_ids["koordinator.kommune"])
    organization_id = coordinator.memberships[0].unit.organization_id
    cases = db.session.scalars(
        select(Report).where(Report.status == ReportStatus.ACKNOWLEDGED,
                             Report.escalation_level < 3,
                             Report.reporting_organization_id == organization_id)
        .order_by(Report.routed_at.desc(), Report.id).limit(10)).all()
    for report in cases:
        if open_item_of(report) is None:
            try:  # as flag_for_committee does, at the demo's ``now``
                check(coordinator, report, Step.FLAG)
                return place_on_agenda(report, reason=FLAG_REASON, source=AgendaSource.FLAGGED,
                                       actor=coordinator, now=now)
            except DomainError:
                continue
    return None


def _open_disputes() -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.status == AgendaStatus.OPEN,
        AgendaItem.source != AgendaSource.ESCALATION).order_by(AgendaItem.id)))
