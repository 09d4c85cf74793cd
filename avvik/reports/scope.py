"""Who may see a case: the reporting side, the receiving side, administrators. No one else.

Reporting side: the reporter; leaders of the reporting unit and the units above it; the
reporting organisation's coordinators. Receiving side: handlers and leaders of the
responsible unit and the units above it; the receiving organisation's coordinators.
Joint party: the coordinators of a second organisation asked for a joint answer.
Drafts are the reporter's alone; a report awaiting approval is not yet the receiver's.
The same rules serve single cases and lists, as one SQL condition.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, or_, select, true
from sqlalchemy.orm import aliased

from avvik.core.db import run
from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.reports.models import Report, ReportStatus
from avvik.users.models import Role, User

NOT_YET_SENT = (ReportStatus.DRAFT, ReportStatus.AWAITING_APPROVAL)


@dataclass(frozen=True)
class Reach:
    """The units and organisations a user's memberships give them cases in."""

    led_units: frozenset[int]  #: units the user leads, and every unit below them
    handled_units: frozenset[int]  #: units the user handles or leads, and below
    coordinated_orgs: frozenset[int]  #: organisations the user coordinates


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
    led = descendants(leading)
    return Reach(frozenset(led), frozenset(led | descendants(handling)),
                 frozenset(coordinating))


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


def visible_condition(user: User, reach: Reach | None = None) -> ColumnElement[bool]:
    """One SQL condition: the reports ``user`` may see. Use it in every case query
    (``reach``: the user's, when the caller has it already)."""
    if user.is_admin:
        return true()
    reach = reach or reach_of(user)
    return or_(reporting_side_condition(user, reach), receiving_side_condition(reach),
               joint_party_condition(reach))


def is_on_reporting_side(user: User, report: Report) -> bool:
    return _matches(report, reporting_side_condition(user, reach_of(user)))


def is_on_receiving_side(user: User, report: Report) -> bool:
    return _matches(report, receiving_side_condition(reach_of(user)))


def is_joint_party(user: User, report: Report) -> bool:
    """Coordinates the second party asked for a joint answer."""
    return (report.joint_organization_id is not None
            and report.joint_organization_id in reach_of(user).coordinated_orgs
            and report.status not in NOT_YET_SENT)


def can_view(user: User, report: Report) -> bool:
    return user.is_admin or _matches(report, visible_condition(user))


def _matches(report: Report, condition: ColumnElement[bool]) -> bool:
    return db.session.execute(
        select(Report.id).where(Report.id == report.id, condition)
    ).first() is not None
