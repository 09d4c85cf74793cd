"""Routing: which unit must answer a case, and by when. Run by a worker, never a request.

Order: a unit the case was explicitly forwarded, redirected or kept at (a reopened case
keeps the owner it was forwarded or redirected to); else the unit the reporter named, if
it belongs to the receiving organisation (issue #14: a rule decides only when the reporter
left it open); else the most specific active rule for the receiving organisation (most
keys set; the oldest rule breaks ties); else the receiving organisation's coordinators.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, TypeVar

from avvik.core.timeutil import utcnow
from avvik.core.workdays import add_working_days
from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.outbox.services import enqueue
from avvik.reports.events import record_event
from avvik.reports.models import Report, ReportStatus
from avvik.reports.serious import deadline_days
from avvik.reports.workflow import Step, is_allowed
from avvik.routing.models import RoutingRule
from avvik.routing.queries import usable_rules

#: The timeline events that start a round of routing.
ROUND_STARTS = ("submitted", "approved", "reopened", "forwarded", "declined")


def enqueue_routing(report: Report, forced_unit_id: int | None = None,
                    basis: str = "forwarded") -> None:
    """Ask the workers to route the case (again), once per round of its life; a
    ``forced_unit_id`` is taken as is and recorded with ``basis``."""
    routing_round = sum(e.kind in ROUND_STARTS for e in report.events)
    payload: dict[str, object] = {"report_id": report.id, "forced_unit_id": forced_unit_id}
    if forced_unit_id is not None and basis != "forwarded":
        payload["basis"] = basis
    enqueue("reports.route", payload, dedup_key=f"route:{report.id}:{routing_round}")


class RuleKeys(Protocol):
    """What matching needs of a rule: a saved RoutingRule, or a draft being tested."""

    agreement_id: int | None
    transition_id: int | None
    category_id: int | None

    @property
    def specificity(self) -> int: ...


R = TypeVar("R", bound=RuleKeys)


def rule_matches(rule: RuleKeys, agreement_id: int | None, transition_id: int | None,
                 category_id: int | None) -> bool:
    """A key left empty matches anything; a key set must equal the case's value."""
    return all(key is None or key == value for key, value in (
        (rule.agreement_id, agreement_id), (rule.transition_id, transition_id),
        (rule.category_id, category_id)))


def best_rule(candidates: Iterable[R], agreement_id: int | None,
              transition_id: int | None, category_id: int | None) -> R | None:
    """The most specific candidate whose keys all match; on a tie the first one.

    Pure: give it the usable rules (active, active target unit, the receiving
    organisation's) oldest first, and the oldest of equally specific rules wins.
    """
    matching = [rule for rule in candidates
                if rule_matches(rule, agreement_id, transition_id, category_id)]
    return max(matching, key=lambda rule: rule.specificity, default=None)


def matching_rule(report: Report) -> RoutingRule | None:
    """The most specific active rule whose keys all match the case."""
    return best_rule(usable_rules(report.receiving_organization_id), report.agreement_id,
                     report.transition_id, report.category_id)


def _named_unit(report: Report) -> Unit | None:
    """The unit the reporter named, while it is active and the case is with its
    organisation (a case redirected elsewhere leaves it behind)."""
    named = report.receiving_unit
    if (named is not None and named.is_active
            and named.organization_id == report.receiving_organization_id):
        return named
    return None


def route_report(report: Report, *, forced_unit_id: int | None = None,
                 basis: str = "forwarded", now: datetime | None = None) -> bool:
    """Route a submitted case; False (and nothing changed) if it is not waiting for it.

    ``forced_unit_id`` (forwarded, redirected, or kept on reopening) wins, recorded with
    ``basis``; then the unit the reporter named; then a rule; then the coordinators.
    """
    if not is_allowed(report, Step.ROUTE):
        return False
    now = now or utcnow()
    rule = None
    forced = db.session.get(Unit, forced_unit_id) if forced_unit_id else None
    if (forced is not None and forced.is_active
            and forced.organization_id == report.receiving_organization_id):
        unit = forced
    elif (unit := _named_unit(report)) is not None:
        basis = "named_unit"
    elif (rule := matching_rule(report)) is not None:
        unit, basis = rule.target_unit, "rule"
    else:
        unit, basis = None, "coordinators"
    report.responsible_unit_id = unit.id if unit else None
    report.routing_rule_id = rule.id if rule else None
    report.routing_basis = basis
    report.status = ReportStatus.ROUTED
    report.routed_at = now
    # Durations count from the latest routing: a new round is measured afresh.
    report.acknowledge_working_days = report.answer_working_days = None
    acknowledge_days, answer_days = deadline_days(report)  # shorter for a serious case
    report.acknowledge_due_at = add_working_days(now, acknowledge_days)
    report.answer_due_at = add_working_days(now, answer_days)
    db.session.flush()
    record_event(report, "routed", None, basis=basis, unit_id=report.responsible_unit_id,
                 rule_id=report.routing_rule_id)
    enqueue("mail.routed", {"report_id": report.id},
            dedup_key=f"routed:{report.id}:{now.isoformat()}")
    return True
