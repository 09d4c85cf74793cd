"""Translated names for what the dashboards show: directions, dimensions, aggregates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from avvik.reports.models import Direction

DIRECTION_LABELS = {
    Direction.MUNICIPALITY_TO_HOSPITAL: _l("Municipality to hospital"),
    Direction.HOSPITAL_TO_MUNICIPALITY: _l("Hospital to municipality"),
    Direction.OTHER: _l("Other"),
}


def direction_label(direction: Direction | str) -> str:
    return str(DIRECTION_LABELS.get(Direction(direction), direction))

#: The two sides of a measure's evaluation (the ``period`` column).
PERIOD_LABELS = {"before": _l("Before"), "after": _l("After")}
