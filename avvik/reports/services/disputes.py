"""Disputes about responsibility: the guideline's *samsoner*, where a patient must not
become a *kasteball* between the levels (issue #14).

The answering side may decline a case with a reason and a proposal: another
organisation of the health community should answer, the reporting organisation should,
or two parties should answer jointly. The first decline moves the case (or adds the
second party); it keeps its case number and timeline, and its deadlines start again when
it is routed to the new party. A case declined again by the party it went to, or by the
second party, stays where it is and goes on the joint committee's agenda; so does a
second disagreement of the reporting side (``reopen_report``).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

# The module, not the name: committee.services reads reports.services (a cycle that a
# name import breaks when committee.services is imported first, as the escalation does).
from avvik.committee import services as committee
from avvik.committee.models import AgendaSource
from avvik.core.errors import ValidationFailed
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.notifications.disputes import notify_dispute
from avvik.organizations.models import Organization, Unit
from avvik.reports import scope
from avvik.reports.events import record_event
from avvik.reports.models import Report
from avvik.reports.services.handling import (
    COMMENT_LIMIT,
    _clean,
    _reset_for_new_round,
    _text_errors,
)
from avvik.reports.workflow import REOPEN_LIMIT, Step, check
from avvik.routing.services import enqueue_routing
from avvik.users.models import User

Errors = list[tuple[str, str]]


class Proposal(enum.StrEnum):
    """Who the declining side proposes should answer instead."""

    OTHER_ORGANIZATION = "other_organization"
    REPORTING_SIDE = "reporting_side"
    JOINT_ANSWER = "joint_answer"


def decline_report(actor: User, report: Report, reason: str, proposal: str,
                   organization_id: int | None = None, unit_id: int | None = None, *,
                   now: datetime | None = None) -> Report:
    """The answering side says the case is not (only) theirs: a reason and a proposal.

    ``organization_id`` is the proposed organisation (another one, or the second party of
    a joint answer); ``unit_id`` optionally the unit there that should answer.
    """
    check(actor, report, Step.DECLINE)
    reason = _clean(reason)
    errors = _text_errors("reason", reason, COMMENT_LIMIT,
                          _l("Say why the case is not yours to answer."))
    target, unit, wrong = _proposed(report, proposal, organization_id, unit_id)
    errors += wrong
    if errors:
        raise ValidationFailed(errors)
    assert target is not None
    # The party the case was sent to declines too, or the second party does: the joint
    # committee decides, and the case is not thrown on meanwhile.
    joint_party = not scope.is_on_receiving_side(actor, report)
    to_committee = report.redirect_count > 0 or joint_party
    source = report.joint_organization if joint_party else report.receiving_organization
    event = record_event(report, "declined", actor, reason, proposal=proposal,
                         from_organization_id=report.receiving_organization_id,
                         from_unit_id=report.responsible_unit_id,
                         to_organization_id=target.id, to_unit_id=unit.id if unit else None,
                         to_committee=to_committee, source_name=source.name if source else "",
                         target_name=target.name)
    report.redirect_count += 1
    involved = {report.reporting_organization_id, report.receiving_organization_id,
                report.joint_organization_id, target.id}
    if to_committee:
        if joint_party:
            report.joint_organization_id = None  # the second party will not take part
        db.session.flush()
        committee.place_on_agenda(report, reason=reason,
                                  source=AgendaSource.DECLINED_REDIRECT, actor=actor,
                                  now=now)
    elif proposal == Proposal.JOINT_ANSWER:
        report.joint_organization_id = target.id
        _reset_for_new_round(report)
        db.session.flush()  # the same owner, with deadlines from now
        enqueue_routing(report, forced_unit_id=report.responsible_unit_id,
                        basis=report.routing_basis or "forwarded")
    else:
        report.receiving_organization_id = target.id
        report.responsible_unit_id = unit.id if unit else None
        report.routing_rule_id, report.routing_basis = None, "redirected"
        report.joint_organization_id = None
        _reset_for_new_round(report)
        db.session.flush()
        enqueue_routing(report, forced_unit_id=unit.id if unit else None, basis="redirected")
    db.session.flush()
    notify_dispute(report, "case_declined", f"declined:{report.id}:{event.id}", actor,
                   involved, source=source.name if source else "",
                   target=target.name, unit=unit.name if unit else "", proposal=proposal,
                   to_committee=to_committee)
    return report


def reopen_report(actor: User, report: Report, reason: str, *,
                  now: datetime | None = None) -> Report:
    """The reporting side disagrees with the answer, with a reason. The first time the
    case goes back to its owner for a new answer; the second time, on the joint
    committee's agenda."""
    check(actor, report, Step.REOPEN)
    reason = _clean(reason)
    errors = _text_errors("reason", reason, COMMENT_LIMIT, _l("Say why you disagree."))
    if errors:
        raise ValidationFailed(errors)
    if report.reopen_count >= REOPEN_LIMIT:
        return _disagree_again(actor, report, reason, now=now)
    record_event(report, "reopened", actor, reason, previous_answer_at=str(report.answered_at))
    report.reopen_count += 1
    report.reopen_reason = reason
    _reset_for_new_round(report)
    db.session.flush()
    enqueue_routing(report, **kept_owner(report))
    return report


def _disagree_again(actor: User, report: Report, reason: str, *,
                    now: datetime | None = None) -> Report:
    record_event(report, "disagreed_again", actor, reason)
    report.reopen_count += 1
    report.reopen_reason = reason
    db.session.flush()
    item = committee.place_on_agenda(report, reason=reason,
                                     source=AgendaSource.SECOND_DISAGREEMENT, actor=actor,
                                     now=now or utcnow())
    notify_dispute(report, "case_disagreed", f"disagreed:{report.id}:{item.id}", actor,
                   {report.reporting_organization_id, report.receiving_organization_id,
                    report.joint_organization_id}, responsible=True)
    return report


def kept_owner(report: Report) -> dict[str, Any]:
    """Routing arguments that keep a forwarded or redirected case with its owner when it
    is reopened (issue #14: routing rules must not send it back)."""
    if report.routing_basis in ("forwarded", "redirected") and report.responsible_unit_id:
        return {"forced_unit_id": report.responsible_unit_id, "basis": report.routing_basis}
    return {}


def _proposed(report: Report, proposal: str, organization_id: int | None,
              unit_id: int | None) -> tuple[Organization | None, Unit | None, Errors]:
    """The proposed organisation and unit, or why they cannot be."""
    if proposal not in set(Proposal):
        return None, None, [("proposal", str(_l("Choose what you propose.")))]
    if proposal == Proposal.REPORTING_SIDE:
        target = report.reporting_organization
    else:
        target = db.session.get(Organization, organization_id) if organization_id else None
    community = report.receiving_organization.health_community_id
    if target is None:
        return None, None, [("organization_id",
                             str(_l("Choose the organisation you propose.")))]
    if not target.is_active or target.health_community_id != community:
        return None, None, [("organization_id", str(_l(
            "Choose an active organisation of the case's health community.")))]
    if target.id == report.receiving_organization_id:
        field = "proposal" if proposal == Proposal.REPORTING_SIDE else "organization_id"
        return None, None, [(field, str(_l("The case is with this organisation already.")))]
    if not unit_id or proposal == Proposal.JOINT_ANSWER:
        return target, None, []
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.organization_id != target.id or not unit.is_active:
        return None, None, [("unit_id", str(_l(
            "Choose an active unit of the organisation you propose, or none.")))]
    return target, unit, []
