"""Serious events: which cases are serious, and the shorter deadlines they get.

A case is serious when its actual consequence is significant harm or death, or its
potential (worst credible) consequence is death. Consequences are fixed at submission, so
the rule is computed, never stored: nothing can drift from it. Such a case is acknowledged
and answered within the health community's shorter deadlines (``serious_acknowledge_days``
and ``serious_answer_days``, defaults one and five working days), both organisations'
coordinators are told at once (avvik/notifications/services.py), and the case page shows
the duty to notify Helsetilsynet until the receiving side records it (avvik/reports/
notices.py).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

from avvik.reports.models import Consequence, Report

#: Actual consequences that make a case serious.
SERIOUS_ACTUAL = frozenset({Consequence.SIGNIFICANT, Consequence.DEATH})
#: Potential consequences that make a case serious.
SERIOUS_POTENTIAL = frozenset({Consequence.DEATH})

def is_serious(report: Report) -> bool:
    """Whether ``report``'s consequences make it a serious event."""
    return (report.consequence in SERIOUS_ACTUAL
            or report.potential_consequence in SERIOUS_POTENTIAL)


def serious_condition() -> ColumnElement[bool]:
    """``is_serious`` as an SQL condition over Report (the lists' filter, the statistics)."""
    return or_(Report.consequence.in_(sorted(SERIOUS_ACTUAL)),
               Report.potential_consequence.in_(sorted(SERIOUS_POTENTIAL)))


def deadline_days(report: Report) -> tuple[int, int]:
    """Working days to acknowledge and to answer ``report``: its agreement's, or for a
    serious case the community's shorter ones (never longer than the agreement's)."""
    agreement = report.agreement
    acknowledge, answer = agreement.acknowledge_days, agreement.answer_days
    if not is_serious(report):
        return acknowledge, answer
    community = report.receiving_organization.health_community
    return (min(acknowledge, community.serious_acknowledge_days),
            min(answer, community.serious_answer_days))
