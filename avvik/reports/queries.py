"""The read side of cases: scoped lists with filters, sorting and pagination.

Every query starts from ``visible_condition``: a list, count or search never shows a case
the user may not see. Only the shown page of rows is loaded (see paging).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, false, or_, select

from avvik.core.timeutil import end_of_oslo_week, utcnow
from avvik.reports import search
from avvik.reports.models import Consequence, Direction, Report, ReportStatus
from avvik.reports.paging import Order, Page, page_of
from avvik.reports.reads import BOTH, RECEIVING, REPORTING, unread_condition
from avvik.reports.scope import Reach, descendants, reach_of, visible_condition
from avvik.reports.serious import serious_condition
from avvik.users.models import User

OPEN_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED)
MAX_PER_PAGE = 100


class ListView(enum.StrEnum):
    MINE = "mine"  #: reports I filed
    INBOX = "inbox"  #: cases my units must answer
    ORGANIZATION = "organization"  #: everything to or from the organisations I coordinate
    ALL = "all"  #: everything I may see (a reader's cases too: avvik.reports.scope)


#: The list's sort choices and the column each sorts by.
SORTS = {
    "submitted": "submitted_at",
    "event": "event_date",
    "answer_due": "answer_due_at",
    "case_number": "case_number",
    "created": "created_at",
}
#: With a search, the best matches first (avvik/reports/search.py); without, by created.
RELEVANCE = "relevance"


@dataclass(frozen=True)
class Within:
    """Only cases with one of these organisations, or one of these units, on either side:
    a dashboard's scope (avvik.stats.scope), so that its figures open exactly their cases
    (a coordinator may also read cases of a joint answer, which its figures do not count).
    """

    organizations: frozenset[int] = frozenset()
    units: frozenset[int] = frozenset()  #: every unit below a led one included

    def condition(self) -> ColumnElement[bool]:
        conditions = []
        if self.organizations:
            conditions += [Report.reporting_organization_id.in_(self.organizations),
                           Report.receiving_organization_id.in_(self.organizations)]
        if self.units:
            conditions += [Report.reporting_unit_id.in_(self.units),
                           Report.responsible_unit_id.in_(self.units)]
        return or_(*conditions) if conditions else false()


@dataclass
class ReportFilter:
    view: ListView = ListView.ALL
    statuses: list[ReportStatus] = field(default_factory=list)
    overdue: bool = False
    #: Only serious events (avvik/reports/serious.py).
    serious: bool = False
    agreement_id: int | None = None
    transition_id: int | None = None
    category_id: int | None = None
    date_from: date | None = None  #: event date from (inclusive)
    date_to: date | None = None  #: event date to (inclusive)
    case_number: str | None = None  #: exactly this case number
    search: str | None = None  #: words of the free text, or a case number, whole or its end
    sort: str = "created"  #: one of SORTS, or RELEVANCE
    descending: bool = True
    #: Only cases changed since the user last opened them (avvik/reports/reads.py).
    unread: bool = False
    #: Only open cases whose next deadline falls in the rest of this week in Oslo.
    due_this_week: bool = False
    # What the dashboards count by (avvik.stats.filters), so that a figure leads to the
    # very cases it counts (avvik/dashboards/drilldown.py).
    organization_id: int | None = None  #: reporting or receiving organisation
    reporting_organization_id: int | None = None
    receiving_organization_id: int | None = None
    unit_id: int | None = None  #: this unit or one below it, reporting or responsible
    responsible_unit_id: int | None = None  #: exactly this responsible unit
    direction: Direction | None = None
    consequence: Consequence | None = None  #: the actual consequence
    potential_consequence: Consequence | None = None
    escalation: int | None = None  #: escalated to this level or higher
    within: Within | None = None  #: None: every case the user may see


def overdue_condition(now: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Report.status.in_([ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED]),
             Report.answer_due_at < now),
        and_(Report.status == ReportStatus.ROUTED, Report.acknowledge_due_at < now),
    )


def due_this_week_condition(now: datetime) -> ColumnElement[bool]:
    """Open cases whose next deadline is still ahead but before the week ends in Oslo:
    the acknowledgement of a routed case, else the answer (never one already overdue)."""
    end = end_of_oslo_week(now)
    return or_(
        and_(Report.status == ReportStatus.ROUTED, Report.acknowledge_due_at >= now,
             Report.answer_due_at >= now,
             or_(Report.acknowledge_due_at < end, Report.answer_due_at < end)),
        and_(Report.status == ReportStatus.ACKNOWLEDGED, Report.answer_due_at >= now,
             Report.answer_due_at < end),
    )


def passed_deadlines(report: Report, now: datetime | None = None) -> tuple[str, ...]:
    """The deadlines of the case that have passed with their step not done: "acknowledge",
    "answer", both or none. A page says which, so that an acknowledgement left late is not
    read as a late answer beside an answer deadline still ahead."""
    now = now or utcnow()
    passed = []
    if report.status == ReportStatus.ROUTED and report.acknowledge_due_at is not None \
            and report.acknowledge_due_at < now:
        passed.append("acknowledge")
    if report.status in (ReportStatus.ROUTED, ReportStatus.ACKNOWLEDGED) and \
            report.answer_due_at is not None and report.answer_due_at < now:
        passed.append("answer")
    return tuple(passed)


def is_overdue(report: Report, now: datetime | None = None) -> bool:
    return bool(passed_deadlines(report, now))


def filtered(user: User, filters: ReportFilter, now: datetime | None = None) -> Select:
    """The SELECT of the reports ``user`` may see that match ``filters`` (unsorted)."""
    now = now or utcnow()
    reach = reach_of(user)  # the scope and the view both need it: its units are queried
    query = select(Report).where(visible_condition(user, reach))
    query = query.where(view_condition(user, filters.view, reach))
    if filters.statuses:
        query = query.where(Report.status.in_(filters.statuses))
    if filters.overdue:
        query = query.where(overdue_condition(now))
    if filters.serious:
        query = query.where(serious_condition())
    if filters.due_this_week:
        query = query.where(due_this_week_condition(now))
    if filters.unread:
        query = query.where(unread_condition(user, reach, now,
                                             sides=UNREAD_SIDES.get(filters.view, BOTH)))
    for name in EQUAL_FILTERS:
        value = getattr(filters, name)
        if value is not None:
            query = query.where(getattr(Report, name) == value)
    query = query.where(*counting_conditions(filters))
    if filters.date_from:
        query = query.where(Report.event_date >= filters.date_from)
    if filters.date_to:
        query = query.where(Report.event_date <= filters.date_to)
    if filters.case_number:
        query = query.where(Report.case_number == filters.case_number.strip().upper())
    if filters.search:
        query = query.where(search.matches(filters.search))
    return query


#: Filters on a column of the case itself, compared for equality.
EQUAL_FILTERS = ("agreement_id", "transition_id", "category_id", "reporting_organization_id",
                 "receiving_organization_id", "responsible_unit_id", "direction",
                 "consequence", "potential_consequence")


def counting_conditions(filters: ReportFilter) -> list[ColumnElement[bool]]:
    """The filters that read like the dashboards' (avvik.stats.queries.base): an
    organisation on either side; a unit's subtree as reporting or responsible unit."""
    conditions = []
    if filters.organization_id is not None:
        conditions.append(or_(Report.reporting_organization_id == filters.organization_id,
                              Report.receiving_organization_id == filters.organization_id))
    if filters.unit_id is not None:
        units = sorted(descendants([filters.unit_id]))
        conditions.append(or_(Report.reporting_unit_id.in_(units),
                              Report.responsible_unit_id.in_(units)))
    if filters.escalation is not None:
        conditions.append(Report.escalation_level >= filters.escalation)
    if filters.within is not None:
        conditions.append(filters.within.condition())
    return conditions


def list_reports(user: User, filters: ReportFilter, *, page: int = 1, per_page: int = 25,
                 now: datetime | None = None, count_cap: int | None = None) -> Page:
    """One page of the user's reports; only the page's rows are loaded. The total is exact
    up to ``count_cap`` (``paging.COUNT_CAP``) matches past the page's start."""
    query, page, per_page = filtered(user, filters, now), max(page, 1), \
        min(max(per_page, 1), MAX_PER_PAGE)
    if filters.sort == RELEVANCE and filters.search:
        return search.ranked_page(query, search.relevance(filters.search), page, per_page,
                                  count_cap)
    order = Order(SORTS.get(filters.sort, "created_at"), filters.descending)
    return page_of(query, order, page, per_page, count_cap)


def default_sort(search_text: str | None) -> str:
    """A search shows the best matches first; a list, the newest cases."""
    return RELEVANCE if search_text else "created"


def available_views(user: User) -> list[ListView]:
    """The list views that make sense for the user's roles."""
    reach = reach_of(user)
    views = [ListView.MINE]
    if reach.handled_units or reach.coordinated_orgs:
        views.append(ListView.INBOX)
    if reach.coordinated_orgs:
        views.append(ListView.ORGANIZATION)
    if user.is_admin or reach.led_units or reach.coordinated_orgs or reach.reads:
        views.append(ListView.ALL)
    return views


def default_view(user: User, views: list[ListView]) -> ListView:
    """The list shown when none is asked for: the inbox, for those who answer cases; every
    case, for those who read cases without filing or answering them (quality advisers,
    the secretariat); else my reports."""
    if ListView.INBOX in views:
        return ListView.INBOX
    if ListView.ALL in views and reach_of(user).reads:
        return ListView.ALL
    return ListView.MINE


#: What "unread" means in a view: in my reports, news to the reporting side (an answer,
#: a comment); in the inbox, news to the receiving side (a routing, a comment).
UNREAD_SIDES = {ListView.MINE: (REPORTING,), ListView.INBOX: (RECEIVING,)}


def view_condition(user: User, view: ListView, reach: Reach) -> ColumnElement[bool]:
    """The cases of one list view; the caller adds the user's scope."""
    if view == ListView.MINE:
        return Report.reporter_id == user.id
    if view == ListView.INBOX:
        conditions = []
        if reach.handled_units:
            conditions.append(Report.responsible_unit_id.in_(reach.handled_units))
        if reach.coordinated_orgs:
            # Coordinators also receive what rules could not route to a unit.
            conditions.append(and_(Report.receiving_organization_id.in_(reach.coordinated_orgs),
                                   Report.responsible_unit_id.is_(None)))
        return or_(*conditions) if conditions else Report.id.is_(None)
    if view == ListView.ORGANIZATION:
        orgs = reach.coordinated_orgs
        return or_(Report.reporting_organization_id.in_(orgs),
                   Report.receiving_organization_id.in_(orgs)) if orgs else Report.id.is_(None)
    return Report.id.is_not(None)
