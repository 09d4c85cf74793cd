"""Reports of one event: the links between cases and the likely matches (read side).

A municipality and the hospital often report the same discharge, each from its side.
A likely match of a case is a report the other way between the same two organisations,
at the same transition, with an event date within ``MATCH_DAYS`` days, sent and not
withdrawn, not linked to it already. Matches are offered only to those who may read both
cases and link them (the guard of ``Step.LINK``); a link never widens what anyone may
read: a linked case the viewer may not read is shown as existing, without its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select, union_all

from avvik.extensions import db
from avvik.reports import scope
from avvik.reports.models import Report, ReportLink, ReportStatus
from avvik.users.models import User

#: How many days apart two reports' event dates may be to be offered as one event.
MATCH_DAYS = 3
#: Suggestions shown on a case page at most.
MAX_SUGGESTIONS = 5
#: Reports that take part in no link and are never suggested: not sent, or taken back.
NOT_LINKABLE = (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL, ReportStatus.WITHDRAWN)


def live() -> ColumnElement[bool]:
    return ReportLink.unlinked_at.is_(None)


def live_links(report: Report) -> list[ReportLink]:
    """The case's links in force, oldest first. A report not yet sent has none: only
    submitted cases are linked, and a sent case never becomes a draft again."""
    if report.status in (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL):
        return []
    return list(db.session.scalars(
        select(ReportLink).where(live(), or_(ReportLink.report_a_id == report.id,
                                             ReportLink.report_b_id == report.id))
        .order_by(ReportLink.linked_at, ReportLink.id)))


def link_between(first: Report, second: Report) -> ReportLink | None:
    """The link in force between two cases, if any."""
    low, high = sorted((first.id, second.id))
    return db.session.scalars(select(ReportLink).where(
        live(), ReportLink.report_a_id == low, ReportLink.report_b_id == high)).first()


def _linked_ids(report_id: int):  # the ids of the cases linked to ``report_id`` now
    return union_all(
        select(ReportLink.report_b_id).where(live(), ReportLink.report_a_id == report_id),
        select(ReportLink.report_a_id).where(live(), ReportLink.report_b_id == report_id))


def _match_condition(report: Report) -> ColumnElement[bool]:
    day = report.event_date
    assert day is not None
    # ix_reports_reporting_event_date: the other side's reports over seven days.
    return and_(Report.reporting_organization_id == report.receiving_organization_id,
                Report.event_date.between(day - timedelta(days=MATCH_DAYS),
                                          day + timedelta(days=MATCH_DAYS)),
                Report.receiving_organization_id == report.reporting_organization_id,
                Report.transition_id == report.transition_id,
                Report.status.not_in(NOT_LINKABLE), Report.id != report.id,
                Report.id.not_in(_linked_ids(report.id)))


def _matchable(report: Report) -> bool:
    return (report.status not in NOT_LINKABLE and report.event_date is not None
            and report.receiving_organization_id is not None
            and report.transition_id is not None)


def likely_matches(report: Report, viewer: User, limit: int = MAX_SUGGESTIONS
                   ) -> list[Report]:
    """The likely reports of the same event from the other side that ``viewer`` may
    read, the closest event dates first."""
    if not _matchable(report):
        return []
    candidates = db.session.scalars(
        select(Report).where(_match_condition(report), scope.visible_condition(viewer))
        .order_by(Report.event_date, Report.id).limit(limit)).all()
    assert report.event_date is not None
    return sorted(candidates, key=lambda r: (abs((r.event_date - report.event_date).days),
                                             r.id))  # type: ignore[operator]


def has_likely_match(report: Report) -> bool:
    """Whether any likely match exists, whoever may read it (for the reminders and the
    demo; never shown to someone who may not read it)."""
    return _matchable(report) and bool(db.session.scalar(
        select(exists().where(_match_condition(report)))))


@dataclass(frozen=True)
class LinkedCase:
    """One case linked to another, as a viewer may see it."""

    link: ReportLink
    #: The linked case, or None when the viewer may not read it: they learn only that
    #: the other side has a linked report.
    report: Report | None


def linked_reports(report: Report, viewer: User) -> list[LinkedCase]:
    """The cases linked to ``report`` now, each only as far as ``viewer`` may read it.

    The committee's agenda item calls this to list the cases of one event, as the case
    page does (templates/reports/_linked_cases.html)."""
    found = []
    for link in live_links(report):
        other = link.other(report)
        found.append(LinkedCase(link, other if scope.can_view(viewer, other) else None))
    return found


def find_case(number: str | None) -> Report | None:
    """The case with the number typed (any case, any reader: check the scope)."""
    wanted = (number or "").strip().upper()
    if not wanted:
        return None
    return db.session.scalars(select(Report).where(Report.case_number == wanted)).first()


@dataclass(frozen=True)
class CaseLinks:
    """What the case page says about reports of the same event, for one viewer."""

    linked: list[LinkedCase]
    #: Likely matches the viewer may read and link (empty for everyone else).
    suggestions: list[Report]
    #: The viewer may not link: tell them who will see a likely match.
    explain: bool


def case_links(report: Report, viewer: User, steps: frozenset[str]) -> CaseLinks:
    """The linked cases and, for those who may link (``"link" in steps``: the viewer's
    steps now), the likely matches not yet linked."""
    if report.status in (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL):
        return CaseLinks([], [], False)
    may_link = "link" in steps
    return CaseLinks(linked_reports(report, viewer),
                     likely_matches(report, viewer) if may_link else [],
                     not may_link and report.status != ReportStatus.WITHDRAWN)
