"""Link two reports of one event, and undo a link: a step on a case, with a reason.

The person acting handles or coordinates the case (the guard of ``Step.LINK`` and
``Step.UNLINK``) and may read the other case too. Both cases get a line on their
timelines; the line names no case, so that a reader of one case learns nothing of the
other beyond what the case page shows them (avvik.reports.links).
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from avvik.core.errors import ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.reports import links, scope
from avvik.reports.events import record_event
from avvik.reports.models import Report, ReportLink
from avvik.reports.services.handling import COMMENT_LIMIT, _clean, _text_errors
from avvik.reports.workflow import Step, check
from avvik.users.models import User

Errors = list[tuple[str, str]]


def _other_case(actor: User, number: str | None, errors: Errors) -> Report | None:
    if not (number or "").strip():
        errors.append(("case_number", str(_l("Give the number of the other case."))))
        return None
    other = links.find_case(number)
    if other is None or not scope.can_view(actor, other):
        # The same words whether it does not exist or the person may not read it.
        errors.append(("case_number", str(_l("There is no case %(number)s that you may "
                                             "read.", number=number.strip()))))
        return None
    return other


def link_reports(actor: User, report: Report, other_number: str | None,
                 reason: str | None) -> ReportLink:
    """Link ``report`` with the case numbered ``other_number`` as two reports of one
    event. ValidationFailed names the field: the number, or the reason."""
    check(actor, report, Step.LINK)
    reason = _clean(reason)
    errors = _text_errors("reason", reason, COMMENT_LIMIT,
                          _l("Say why the two reports are of the same event."))
    other = _other_case(actor, other_number, errors)
    if other is not None:
        problem = _why_not(report, other)
        if problem:
            errors.append(("case_number", problem))
    if errors or other is None:
        raise ValidationFailed(errors)
    low, high = sorted((report, other), key=lambda r: r.id)
    link = ReportLink(report_a_id=low.id, report_b_id=high.id, reason=reason,
                      linked_by_id=actor.id)
    try:
        with db.session.begin_nested():  # two people linking the pair at the same moment
            db.session.add(link)
    except IntegrityError:
        raise ValidationFailed([("case_number", str(_l("The two cases are linked already.")))]
                               ) from None
    for case in (report, other):
        record_event(case, "linked", actor, reason, link_id=link.id)
    return link


def unlink_reports(actor: User, report: Report, other_number: str | None,
                   reason: str | None, *, now: datetime | None = None) -> ReportLink:
    """Undo the link between ``report`` and the case numbered ``other_number``; the
    link's row keeps who linked and unlinked them, when and why."""
    check(actor, report, Step.UNLINK)
    reason = _clean(reason)
    errors = _text_errors("reason", reason, COMMENT_LIMIT,
                          _l("Say why the two reports are not of the same event."))
    other = _other_case(actor, other_number, errors)
    link = links.link_between(report, other) if other is not None else None
    if other is not None and link is None:
        errors.append(("case_number", str(_l("The two cases are not linked."))))
    if errors or link is None:
        raise ValidationFailed(errors)
    link.unlinked_at, link.unlinked_by_id, link.unlink_reason = now or utcnow(), actor.id, reason
    db.session.flush()
    for case in (report, link.other(report)):
        record_event(case, "unlinked", actor, reason, link_id=link.id)
    return link


def _why_not(report: Report, other: Report) -> str | None:
    if other.id == report.id:
        return str(_l("A case cannot be linked to itself."))
    if other.status in links.NOT_LINKABLE:
        return str(_l("Only a submitted case can be linked, not a draft or a withdrawn "
                      "report."))
    parties = {report.reporting_organization_id, report.receiving_organization_id}
    if {other.reporting_organization_id, other.receiving_organization_id} != parties:
        return str(_l("Only reports between the same two organisations can be linked."))
    if links.link_between(report, other) is not None:
        return str(_l("The two cases are linked already."))
    return None
