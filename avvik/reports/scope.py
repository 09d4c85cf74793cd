"""Who may see a case: the reporting side, the receiving side, their readers, administrators.
No one else.

Reporting side: the reporter; leaders of the reporting unit and the units above it; the
reporting organisation's coordinators. Receiving side: handlers and leaders of the
responsible unit and the units above it; the receiving organisation's coordinators.
Joint party: the coordinators of a second organisation asked for a joint answer.
Readers (``reader_condition``) read a sent case and take no step on it; no step's rule
(avvik/reports/workflow.py) and not the patient identity (avvik/reports/vault.py) counts
them, as both ask for a side: the quality advisers of the reporting or receiving
organisation; the joint committee's secretariat for the cases on its committee's agenda,
or for every case of its health community when ``SECRETARIAT_READS`` is "community" (the
community's cooperation agreement lets it; README, "Who reads which cases"); the
committee's members for the cases on its agenda.
Drafts are the reporter's alone; a report awaiting approval is not yet the receiver's.
The same rules serve single cases and lists, as one SQL condition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, false, or_, select, true
from sqlalchemy.orm import aliased

# The agenda's table only: the committee builds on the cases, but who reads a case is
# decided here, in one place.
from avvik.committee.models import AgendaItem
from avvik.core.db import run
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.reports.models import Report, ReportStatus
from avvik.users.models import Role, User

NOT_YET_SENT = (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL)


@dataclass(frozen=True)
class Reach:
    """The units and organisations a user's memberships give them cases in."""

    led_units: frozenset[int]  #: units the user leads, and every unit below them
    handled_units: frozenset[int]  #: units the user handles or leads, and below
    coordinated_orgs: frozenset[int]  #: organisations the user coordinates
    #: Organisations whose sent cases the user reads without a side (quality advisers).
    read_orgs: frozenset[int] = frozenset()
    #: Health communities whose committee agenda's cases the user reads (secretariat,
    #: committee members).
    agenda_communities: frozenset[int] = frozenset()
    #: Health communities whose every sent case the user reads (the secretariat, when
    #: ``SECRETARIAT_READS`` is "community").
    read_communities: frozenset[int] = frozenset()

    @property
    def reads(self) -> bool:
        """Whether the user reads cases beyond their own sides (and so lists them all)."""
        return bool(self.read_orgs or self.agenda_communities or self.read_communities)


def _subtrees() -> Select[tuple[int]]:
    # UNION, not UNION ALL: a unit reached twice (or a cycle in bad data) ends the walk.
    tree = select(Unit.id).where(Unit.id.in_(bindparam("roots", expanding=True))) \
        .cte("tree", recursive=True)
    child = aliased(Unit)
    tree = tree.union(select(child.id).join(tree, child.parent_id == tree.c.id))
    return select(tree.c.id)


#: Built once: the same statement (and its compiled form) for every caller.
SUBTREES = _subtrees()


def descendants(unit_ids: Iterable[int]) -> set[int]:
    """The given units and every unit below them in their trees, walked in SQL (a
    recursive CTE): only the units found leave the database. Every reach of cases and
    of statistics resolves it, so it runs as a Core statement (``avvik.core.db.run``)."""
    roots = sorted(set(unit_ids))
    if not roots:
        return set()
    return {row[0] for row in run(SUBTREES, {"roots": roots}).all()}


def reach_of(user: User) -> Reach:
    leading = {m.unit_id for m in user.memberships if m.role == Role.LEADER}
    handling = {m.unit_id for m in user.memberships if m.role == Role.HANDLER}
    coordinating = {m.unit.organization_id for m in user.memberships
                    if m.role == Role.COORDINATOR}
    if user.service_organization_id is not None:
        # An organisation's service account sees the cases the organisation is party to,
        # as its coordinators do (avvik/integrations/accounts.py); its tokens' scope
        # keeps it from taking steps.
        coordinating.add(user.service_organization_id)
    led = descendants(leading)
    advising = {m.unit.organization_id for m in user.memberships
                if m.role == Role.QUALITY_ADVISER}
    secretariat = frozenset(m.unit.organization.health_community_id
                            for m in user.memberships if m.role == Role.SECRETARIAT)
    # The committee's members read what the committee has before it, whatever the
    # secretariat's setting: its agenda's cases, as its pages show them.
    members = frozenset(m.unit.organization.health_community_id
                        for m in user.memberships if m.role == Role.COMMITTEE_MEMBER)
    whole = current_app.config.get("SECRETARIAT_READS") == "community"
    return Reach(frozenset(led), frozenset(led | descendants(handling)),
                 frozenset(coordinating), frozenset(advising),
                 members if whole else secretariat | members,
                 secretariat if whole else frozenset())


def reporting_side_condition(user: User, reach: Reach) -> ColumnElement[bool]:
    sent = Report.status != ReportStatus.DRAFT
    conditions = [Report.reporter_id == user.id]
    if reach.led_units:
        conditions.append(and_(sent, Report.reporting_unit_id.in_(reach.led_units)))
    if reach.coordinated_orgs:
        conditions.append(
            and_(sent, Report.reporting_organization_id.in_(reach.coordinated_orgs)))
    return or_(*conditions)


def receiving_side_condition(reach: Reach) -> ColumnElement[bool]:
    sent = Report.status.not_in(NOT_YET_SENT)
    conditions = []
    if reach.handled_units:
        conditions.append(and_(sent, Report.responsible_unit_id.in_(reach.handled_units)))
    if reach.coordinated_orgs:
        conditions.append(
            and_(sent, Report.receiving_organization_id.in_(reach.coordinated_orgs)))
    return or_(*conditions) if conditions else false()


def joint_party_condition(reach: Reach) -> ColumnElement[bool]:
    """The coordinators of a second party asked for a joint answer (a dispute about
    responsibility, avvik/reports/services/disputes.py): they read and comment."""
    if not reach.coordinated_orgs:
        return false()
    return and_(Report.status.not_in(NOT_YET_SENT),
                Report.joint_organization_id.in_(reach.coordinated_orgs))


def reader_condition(reach: Reach) -> ColumnElement[bool]:
    """The sent cases the user reads without being on a side of them (see the module's
    docstring): the same cases the user's statistics count, or, for the secretariat
    reading its agenda, those of them the committee has before it."""
    either_side = (Report.reporting_organization_id, Report.receiving_organization_id)
    conditions = []
    if reach.read_orgs:
        conditions += [column.in_(reach.read_orgs) for column in either_side]
    if reach.read_communities:
        members = select(Organization.id).where(
            Organization.health_community_id.in_(sorted(reach.read_communities)))
        conditions += [column.in_(members) for column in either_side]
    if reach.agenda_communities:
        # Open or resolved: the item stays as the committee's record of the case.
        conditions.append(exists().where(
            AgendaItem.report_id == Report.id,
            AgendaItem.health_community_id.in_(sorted(reach.agenda_communities))))
    if not conditions:
        return false()
    return and_(Report.status.not_in(NOT_YET_SENT), or_(*conditions))


def visible_condition(user: User, reach: Reach | None = None) -> ColumnElement[bool]:
    """One SQL condition: the reports ``user`` may see. Use it in every case query
    (``reach``: the user's, when the caller has it already)."""
    if user.is_admin:
        return true()
    reach = reach or reach_of(user)
    conditions = [reporting_side_condition(user, reach), receiving_side_condition(reach),
                  joint_party_condition(reach)]
    if reach.reads:
        conditions.append(reader_condition(reach))
    return or_(*conditions)


def is_on_reporting_side(user: User, report: Report) -> bool:
    return _matches(report, reporting_side_condition(user, reach_of(user)))


def is_on_receiving_side(user: User, report: Report) -> bool:
    return _matches(report, receiving_side_condition(reach_of(user)))


def is_joint_party(user: User, report: Report) -> bool:
    """Coordinates the second party asked for a joint answer."""
    return (report.joint_organization_id is not None
            and report.joint_organization_id in reach_of(user).coordinated_orgs
            and report.status not in NOT_YET_SENT)


def reads_only(user: User, report: Report) -> bool:
    """Whether ``user`` reads the case without being on a side of it (no step, no
    identity): a quality adviser's or the secretariat's reading."""
    reach = reach_of(user)
    return (not user.is_admin and reach.reads
            and not _matches(report, or_(reporting_side_condition(user, reach),
                                         receiving_side_condition(reach),
                                         joint_party_condition(reach)))
            and _matches(report, reader_condition(reach)))


def can_view(user: User, report: Report) -> bool:
    return user.is_admin or _matches(report, visible_condition(user))


def _matches(report: Report, condition: ColumnElement[bool]) -> bool:
    return db.session.execute(
        select(Report.id).where(Report.id == report.id, condition)
    ).first() is not None
