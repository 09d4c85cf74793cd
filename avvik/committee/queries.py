"""The read side of the agenda: a community's open items by meeting, a meeting's items."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload

from avvik.committee.models import AgendaItem, AgendaStatus, Meeting
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity
from avvik.reports.models import Report


def is_on_agenda(report: Report) -> bool:
    """Whether the case is open on a committee agenda now."""
    return bool(db.session.execute(select(exists().where(
        AgendaItem.report_id == report.id, AgendaItem.status == AgendaStatus.OPEN))).scalar())


def items_query(communities: Iterable[int] | None, *, status: AgendaStatus | None = None
                ) -> Select[tuple[AgendaItem]]:
    """Items of the given communities (None: all), oldest placed first."""
    query = select(AgendaItem).options(joinedload(AgendaItem.report),
                                       joinedload(AgendaItem.meeting))
    if communities is not None:
        query = query.where(AgendaItem.health_community_id.in_(sorted(communities)))
    if status is not None:
        query = query.where(AgendaItem.status == status)
    return query.order_by(AgendaItem.placed_at, AgendaItem.id)


@dataclass(frozen=True)
class AgendaGroup:
    meeting: Meeting | None  #: None: not yet set for a meeting
    items: list[AgendaItem]


def open_agenda(communities: Iterable[int] | None) -> list[AgendaGroup]:
    """The open items grouped by meeting (earliest first), then those without one."""
    items = db.session.execute(items_query(communities, status=AgendaStatus.OPEN)
                               ).unique().scalars().all()
    by_meeting: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        by_meeting.setdefault(item.meeting_id, []).append(item)
    meetings = sorted((i[0].meeting for k, i in by_meeting.items() if k is not None),
                      key=lambda m: (m.held_on, m.id))
    groups = [AgendaGroup(m, by_meeting[m.id]) for m in meetings]
    if None in by_meeting:
        groups.append(AgendaGroup(None, by_meeting[None]))
    return groups


def meetings_of(community_id: int) -> list[Meeting]:
    return list(db.session.execute(
        select(Meeting).where(Meeting.health_community_id == community_id)
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())).scalars())


def meeting_items(meeting: Meeting) -> list[AgendaItem]:
    """Every item set for the meeting, open or resolved, in the order they were placed."""
    return list(db.session.execute(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
        .options(joinedload(AgendaItem.report))
        .order_by(AgendaItem.placed_at, AgendaItem.id)).unique().scalars())


def communities(ids: Iterable[int] | None) -> list[HealthCommunity]:
    query = select(HealthCommunity).order_by(HealthCommunity.name)
    if ids is not None:
        query = query.where(HealthCommunity.id.in_(sorted(ids)))
    return list(db.session.execute(query).scalars())
