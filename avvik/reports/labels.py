"""Translated display texts for cases: statuses, consequence levels, list views.

The consequence scale carries a one-line definition and an example at every level: a
self-graded scale drifts without guidance (domain.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from avvik.reports.models import Consequence, Direction, ReportStatus
from avvik.reports.queries import ListView

STATUS_LABELS = {
    ReportStatus.DRAFT: _l("Draft"),
    ReportStatus.AWAITING_APPROVAL: _l("Awaiting approval"),
    ReportStatus.SUBMITTED: _l("Submitted"),
    ReportStatus.ROUTED: _l("Routed"),
    ReportStatus.ACKNOWLEDGED: _l("Acknowledged"),
    ReportStatus.ANSWERED: _l("Answered"),
    ReportStatus.CLOSED: _l("Closed"),
    ReportStatus.WITHDRAWN: _l("Withdrawn"),
}

DIRECTION_LABELS = {
    Direction.MUNICIPALITY_TO_HOSPITAL: _l("Municipality to hospital"),
    Direction.HOSPITAL_TO_MUNICIPALITY: _l("Hospital to municipality"),
    Direction.OTHER: _l("Other"),
}


def direction_label(direction: Direction | str) -> str:
    return str(DIRECTION_LABELS.get(Direction(direction), direction))


#: The tag of a case past a deadline names the deadline (avvik.reports.queries.passed_deadlines).
OVERDUE_LABELS = {
    "acknowledge": _l("Acknowledgement overdue"),
    "answer": _l("Answer overdue"),
}

#: The design system's colour for each status tag (the text says it too).
STATUS_COLORS = {
    ReportStatus.DRAFT: "neutral",
    ReportStatus.AWAITING_APPROVAL: "warning",
    ReportStatus.SUBMITTED: "info",
    ReportStatus.ROUTED: "info",
    ReportStatus.ACKNOWLEDGED: "accent",
    ReportStatus.ANSWERED: "success",
    ReportStatus.CLOSED: "neutral",
    ReportStatus.WITHDRAWN: "neutral",
}


@dataclass(frozen=True)
class Level:
    label: object
    definition: object
    example: object


CONSEQUENCE_LEVELS = {
    Consequence.NONE: Level(
        _l("None"), _l("No harm, no extra care needed."),
        _l("E.g. the missing medication list was sent for before the next dose was due.")),
    Consequence.MINOR: Level(
        _l("Minor"), _l("Temporary discomfort, no treatment needed."),
        _l("E.g. a dose given two hours late.")),
    Consequence.MODERATE: Level(
        _l("Moderate"), _l("Temporary harm that needed extra treatment or follow-up."),
        _l("E.g. a pressure sore that needed treatment because the mattress was not "
           "ready.")),
    Consequence.SIGNIFICANT: Level(
        _l("Significant"), _l("Lasting harm, a longer stay or a new admission."),
        _l("E.g. readmitted with heart failure after a diuretic was left off the "
           "medication list.")),
    Consequence.DEATH: Level(
        _l("Death"), _l("The patient died, and the deviation may have contributed."),
        _l("E.g. a fatal bleed after a blood thinner was given twice.")),
}

LIST_VIEW_LABELS = {
    ListView.MINE: _l("My reports"),
    ListView.INBOX: _l("My unit's inbox"),
    ListView.ORGANIZATION: _l("My organisation"),
    ListView.ALL: _l("All cases I can see"),
}

SORT_LABELS = {
    "created": _l("Created"),
    "submitted": _l("Submitted"),
    "event": _l("Date of the event"),
    "answer_due": _l("Answer deadline"),
    "case_number": _l("Case number"),
    "relevance": _l("Relevance"),  #: with a search; without one, as "created"
}


def status_label(status: ReportStatus | str) -> str:
    return str(STATUS_LABELS.get(ReportStatus(status), status))


def status_color(status: ReportStatus | str) -> str:
    return STATUS_COLORS.get(ReportStatus(status), "neutral")


def overdue_label(deadline: str) -> str:
    return str(OVERDUE_LABELS[deadline])


def consequence_label(value: Consequence | str | None) -> str:
    return "" if value is None else str(CONSEQUENCE_LEVELS[Consequence(value)].label)
