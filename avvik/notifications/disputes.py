"""E-mails about a dispute over responsibility (avvik/reports/services/disputes.py) and
a forwarded case: the reporter and the coordinators of every organisation involved.

Queued in the transaction of the step itself, one outbox row per person (the step knows
exactly whom to tell); the names of organisations and units are no health data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from avvik.notifications import recipients
from avvik.notifications.services import queue_email
from avvik.reports.models import Report
from avvik.users.models import User


def involved_people(report: Report, organization_ids: Iterable[int | None], *,
                    responsible: bool = False) -> list[User]:
    """The reporter, the coordinators of each organisation, and (``responsible``) the
    people of the responsible unit: each once, in that order."""
    people = [report.reporter]
    if responsible:
        people += recipients.responsible_people(report.responsible_unit,
                                                report.receiving_organization_id)
    for organization_id in sorted({i for i in organization_ids if i is not None}):
        people += recipients.coordinators(organization_id)
    unique: dict[int, User] = {}
    for person in people:
        if person.is_active:
            unique.setdefault(person.id, person)
    return list(unique.values())


def notify_dispute(report: Report, template: str, key: str, actor: User | None,
                   organization_ids: Iterable[int | None], *, responsible: bool = False,
                   **extra: Any) -> int:
    """Queue ``template`` for everyone involved but ``actor``; returns how many."""
    people = [person for person in involved_people(report, organization_ids,
                                                   responsible=responsible)
              if actor is None or person.id != actor.id]
    for person in people:
        queue_email(person, template, key, report=report, extra=extra)
    return len(people)
