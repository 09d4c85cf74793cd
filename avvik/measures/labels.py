"""Translated names of a measure's statuses, for forms, pages and messages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from avvik.measures.models import MeasureStatus

STATUS_LABELS = {
    MeasureStatus.PLANNED: _l("Planned"),
    MeasureStatus.IN_PROGRESS: _l("In progress"),
    MeasureStatus.COMPLETED: _l("Completed"),
    MeasureStatus.CANCELLED: _l("Cancelled"),
}


def status_label(status: MeasureStatus | str) -> str:
    return str(STATUS_LABELS.get(MeasureStatus(status), status))
