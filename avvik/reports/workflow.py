"""The life of a case as tables: which step is allowed from which status, and by whom.

domain.md §4:  draft -submit-> [awaiting approval -approve->] submitted -route-> routed
-acknowledge-> acknowledged -answer-> answered -close-> closed; answered/closed -reopen->
submitted (routed again); routed/acknowledged -forward-> submitted (routed to the new
unit); awaiting approval..routed -withdraw-> withdrawn. A draft is not withdrawn (it has no
case number to keep): its reporter deletes it (delete_draft).

``check(actor, report, step)`` is the one guard of a step: the services call it before
they change anything, and the case page offers a step exactly when ``may`` says yes.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from flask_babel import lazy_gettext as _l

from avvik.core.errors import IllegalTransition, PermissionDenied
from avvik.reports import links, scope
from avvik.reports.models import Report, ReportStatus
from avvik.reports.serious import is_serious
from avvik.users.models import User

S = ReportStatus
#: How often the reporting side may reopen a case; a disagreement after that puts the
#: case on the joint committee's agenda (avvik/reports/services/disputes.py).
REOPEN_LIMIT = 1


class Step(enum.StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    RETURN = "return"  # the approving leader sends a report back to its reporter
    ROUTE = "route"
    ACKNOWLEDGE = "acknowledge"
    ANSWER = "answer"
    CLOSE = "close"
    REOPEN = "reopen"
    FORWARD = "forward"
    WITHDRAW = "withdraw"
    COMMENT = "comment"
    DELETE_DRAFT = "delete_draft"  # the reporter deletes their own draft, nothing kept
    DECLINE = "decline"  # "not ours": a reason and a proposal of who should answer
    NOTIFIED = "notified"  # a serious case's notice to Helsetilsynet, as recorded
    INFORMED = "informed"  # whether the patient or next of kin has been informed
    FLAG = "flag"  # a coordinator puts the case on the joint committee's agenda
    LINK = "link"  # two reports of one event, usually one from each side
    UNLINK = "unlink"


#: A case that has left the reporting side and not been taken back.
SENT_ON = frozenset({S.SUBMITTED, S.ROUTED, S.ACKNOWLEDGED, S.ANSWERED, S.CLOSED})

#: step -> statuses it may start from. The resulting status is decided by the service.
ALLOWED_FROM: dict[Step, frozenset[ReportStatus]] = {
    Step.SUBMIT: frozenset({S.DRAFT}),
    Step.APPROVE: frozenset({S.AWAITING_APPROVAL}),
    Step.RETURN: frozenset({S.AWAITING_APPROVAL}),
    Step.ROUTE: frozenset({S.SUBMITTED}),
    Step.ACKNOWLEDGE: frozenset({S.ROUTED}),
    Step.ANSWER: frozenset({S.ROUTED, S.ACKNOWLEDGED}),
    Step.CLOSE: frozenset({S.ANSWERED}),
    Step.REOPEN: frozenset({S.ANSWERED, S.CLOSED}),
    Step.FORWARD: frozenset({S.ROUTED, S.ACKNOWLEDGED}),
    Step.DECLINE: frozenset({S.ROUTED, S.ACKNOWLEDGED}),
    Step.WITHDRAW: frozenset({S.AWAITING_APPROVAL, S.SUBMITTED, S.ROUTED}),
    Step.DELETE_DRAFT: frozenset({S.DRAFT}),
    Step.COMMENT: frozenset({S.AWAITING_APPROVAL, S.SUBMITTED, S.ROUTED, S.ACKNOWLEDGED,
                             S.ANSWERED, S.CLOSED}),
    Step.NOTIFIED: SENT_ON,
    Step.INFORMED: SENT_ON,
    Step.FLAG: frozenset({S.SUBMITTED, S.ROUTED, S.ACKNOWLEDGED, S.ANSWERED, S.CLOSED}),
    Step.LINK: frozenset({S.SUBMITTED, S.ROUTED, S.ACKNOWLEDGED, S.ANSWERED, S.CLOSED}),
    Step.UNLINK: frozenset({S.SUBMITTED, S.ROUTED, S.ACKNOWLEDGED, S.ANSWERED, S.CLOSED,
                            S.WITHDRAWN}),
}

#: Said to the user when a step is tried in a status that does not allow it.
REFUSALS: dict[Step, object] = {
    Step.SUBMIT: _l("Only a draft can be submitted."),
    Step.APPROVE: _l("Only a report awaiting approval can be approved."),
    Step.RETURN: _l("Only a report awaiting approval can be sent back."),
    Step.ROUTE: _l("The case has already been routed."),
    Step.ACKNOWLEDGE: _l("The case can be acknowledged only once, after it has been routed."),
    Step.ANSWER: _l("The case has already been answered, or is not yet routed."),
    Step.CLOSE: _l("Only an answered case can be closed."),
    Step.REOPEN: _l("Only an answered or closed case can be reopened."),
    Step.FORWARD: _l("Only a routed case that has not been answered can be forwarded."),
    Step.DECLINE: _l("Only a routed case that has not been answered can be declined."),
    Step.WITHDRAW: _l("A case can be withdrawn only before it has been acknowledged."),
    Step.DELETE_DRAFT: _l("Only a draft can be deleted."),
    Step.COMMENT: _l("Comments can be written once the report has been submitted."),
    Step.NOTIFIED: _l("The notice to Helsetilsynet can be recorded once the report has "
                      "been submitted."),
    Step.INFORMED: _l("Whether the patient or next of kin has been informed can be recorded "
                      "once the report has been submitted."),
    Step.FLAG: _l("A case can go to the joint committee once it has been sent to the "
                  "receiving side."),
    Step.LINK: _l("Only a submitted case can be linked, not a draft or a withdrawn report."),
    Step.UNLINK: _l("Only a submitted case can be unlinked."),
}


def is_allowed(report: Report, step: Step) -> bool:
    return report.status in ALLOWED_FROM[step]


def require(report: Report, step: Step) -> None:
    """Raise ``IllegalTransition`` with a message for the user if the step is not allowed."""
    if not is_allowed(report, step):
        raise IllegalTransition(str(REFUSALS[step]))


def leads_reporting_unit(user: User, report: Report) -> bool:
    return report.reporting_unit_id in scope.reach_of(user).led_units


def _either_side(user: User, report: Report) -> bool:
    return scope.is_on_reporting_side(user, report) or scope.is_on_receiving_side(user, report)


def _reporter_or_leader(user: User, report: Report) -> bool:
    return report.reporter_id == user.id or leads_reporting_unit(user, report)


def _answering_side(user: User, report: Report) -> bool:
    """The receiving side, or the second party asked for a joint answer."""
    return scope.is_on_receiving_side(user, report) or scope.is_joint_party(user, report)


def _either_side_or_joint(user: User, report: Report) -> bool:
    return _either_side(user, report) or scope.is_joint_party(user, report)


def handles_or_coordinates(user: User, report: Report) -> bool:
    """Handles or leads the case on the receiving side, leads the reporting unit, or
    coordinates either organisation: those who may link it to a report of the same event."""
    reach = scope.reach_of(user)
    return (report.reporting_unit_id in reach.led_units
            or report.reporting_organization_id in reach.coordinated_orgs
            or scope.is_on_receiving_side(user, report))


def _may_unlink(user: User, report: Report) -> bool:
    # Only a link whose other case the person may read too: no link, and the condition
    # below says so.
    if not handles_or_coordinates(user, report):
        return False
    ends = [link.other(report) for link in links.live_links(report)]
    return not ends or any(scope.can_view(user, other) for other in ends)


def coordinates_either_side(user: User, report: Report) -> bool:
    orgs = scope.reach_of(user).coordinated_orgs
    return (report.reporting_organization_id in orgs
            or report.receiving_organization_id in orgs)


def _not_on_agenda(report: Report) -> bool:
    from avvik.committee.queries import is_on_agenda  # the committee builds on reports

    return not is_on_agenda(report)


#: step -> who may take it, besides the status allowing it (PermissionDenied otherwise).
#: Submitting (the reporter's own draft) and routing (the workers) are checked by their
#: services.
TAKEN_BY: dict[Step, Callable[[User, Report], bool]] = {
    Step.APPROVE: leads_reporting_unit,
    Step.RETURN: leads_reporting_unit,
    Step.ACKNOWLEDGE: scope.is_on_receiving_side,
    Step.ANSWER: scope.is_on_receiving_side,
    Step.FORWARD: scope.is_on_receiving_side,
    Step.CLOSE: _either_side,
    Step.REOPEN: scope.is_on_reporting_side,
    Step.WITHDRAW: _reporter_or_leader,
    Step.DELETE_DRAFT: lambda user, report: report.reporter_id == user.id,
    Step.COMMENT: _either_side_or_joint,
    Step.DECLINE: _answering_side,
    # The receiving side is the service where the event happened: the notice is its duty.
    Step.NOTIFIED: scope.is_on_receiving_side,
    Step.INFORMED: _either_side,
    Step.FLAG: coordinates_either_side,
    Step.LINK: handles_or_coordinates,
    Step.UNLINK: _may_unlink,
}

#: step -> what else must hold, and what the user is told when it does not.
CONDITIONS: dict[Step, tuple[Callable[[Report], bool], object]] = {
    Step.NOTIFIED: (is_serious, _l("Only a serious event is notified to Helsetilsynet.")),
    Step.INFORMED: (is_serious, _l("This record belongs to serious events only.")),
    # domain.md §4: closing waits for the answer to reach the reporting side.
    Step.CLOSE: (lambda report: report.answer_delivered_at is not None,
                 _l("The case can be closed once the answer has reached the reporting side.")),
    # One reopening goes back to the receiving side; the disagreement after it goes to
    # the joint committee's agenda; after that, the committee decides.
    Step.REOPEN: (lambda report: report.reopen_count <= REOPEN_LIMIT,
                  _l("The reporting side has disagreed twice: the case is on the joint "
                     "committee's agenda, and the committee decides what happens next.")),
    Step.DECLINE: (_not_on_agenda,
                   _l("The case is on the joint committee's agenda: the committee decides "
                      "who answers it.")),
    Step.FLAG: (_not_on_agenda, _l("The case is on the joint committee's agenda already.")),
    Step.UNLINK: (lambda report: bool(links.live_links(report)),
                  _l("The case is not linked to another case.")),
}


def check(actor: User, report: Report, step: Step) -> None:
    """The guard of ``step``: raise ``IllegalTransition`` (wrong status or a condition
    unmet, with a message for the user) or ``PermissionDenied`` (wrong person)."""
    require(report, step)
    taken_by = TAKEN_BY.get(step)
    if taken_by is not None and not taken_by(actor, report):
        raise PermissionDenied()
    holds, refusal = CONDITIONS.get(step, (None, None))
    if holds is not None and not holds(report):
        raise IllegalTransition(str(refusal))


def may(actor: User, report: Report, step: Step) -> bool:
    """Whether ``actor`` may take ``step`` on ``report`` now: ``check`` as a yes or no."""
    try:
        check(actor, report, step)
    except (IllegalTransition, PermissionDenied):
        return False
    return True
