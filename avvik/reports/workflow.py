"""The life of a case as a table: which step is allowed from which status.

domain.md §4:  draft -submit-> [awaiting approval -approve->] submitted -route-> routed
-acknowledge-> acknowledged -answer-> answered -close-> closed; answered/closed -reopen->
submitted (routed again); routed/acknowledged -forward-> submitted (routed to the new
unit); draft..routed -withdraw-> withdrawn.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from avvik.core.errors import IllegalTransition
from avvik.reports.models import Report, ReportStatus

S = ReportStatus


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
    Step.WITHDRAW: frozenset({S.DRAFT, S.AWAITING_APPROVAL, S.SUBMITTED, S.ROUTED}),
    Step.COMMENT: frozenset({S.AWAITING_APPROVAL, S.SUBMITTED, S.ROUTED, S.ACKNOWLEDGED,
                             S.ANSWERED, S.CLOSED}),
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
    Step.WITHDRAW: _l("A case can be withdrawn only before it has been acknowledged."),
    Step.COMMENT: _l("Comments can be written once the report has been submitted."),
}


def is_allowed(report: Report, step: Step) -> bool:
    return report.status in ALLOWED_FROM[step]


def require(report: Report, step: Step) -> None:
    """Raise ``IllegalTransition`` with a message for the user if the step is not allowed."""
    if not is_allowed(report, step):
        raise IllegalTransition(str(REFUSALS[step]))
