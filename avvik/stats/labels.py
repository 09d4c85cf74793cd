"""Translated names for what the dashboards show: directions, dimensions, aggregates.

The directions are the case list's filter too, so their words live with the cases
(avvik.reports.labels); the dashboards use the same.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from avvik.reports.labels import DIRECTION_LABELS, direction_label

__all__ = ["DIRECTION_LABELS", "PERIOD_LABELS", "direction_label"]

#: The two sides of a measure's evaluation (the ``period`` column).
PERIOD_LABELS = {"before": _l("Before"), "after": _l("After")}
