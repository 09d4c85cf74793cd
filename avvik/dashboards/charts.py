"""What each chart draws, as JSON-ready specs that static/js/dashboards.js turns into
Chart.js charts. The numbers are the tables' own: the page prints them in a <table> and
puts the spec in a <script type="application/json"> beside the canvas.

Spec: ``{"kind": "bar" | "stacked" | "pareto" | "run", "horizontal": bool,
"labels": [...], "datasets": [{"label", "data", "role", "key", "links"}], "more": int,
"partial": [bool, ...]}``. A hidden count ("<5") is drawn as nothing (null); the table
says "<5". ``links``: per bar or point, the case list of its cases, or null
(avvik/dashboards/drilldown.py); ``partial``: per label, whether its period (the current
month or year) has not ended, drawn hatched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from avvik.reports.models import Direction
from avvik.stats.anhoej import RunChart
from avvik.stats.suppression import HIDDEN
from avvik.stats.tables import Table

#: Bars a horizontal chart draws at most; the table below it holds every row.
MAX_BARS = 20

Spec = dict[str, Any]


def number(value: Any) -> float | int | None:
    """A cell as a number a chart can draw: None for hidden or empty cells."""
    if value is None or value == HIDDEN or isinstance(value, str):
        return None
    return value


def dataset(label: str, data: list[Any], role: str = "value", key: str | None = None
            ) -> dict[str, Any]:
    """``key``: the table column the data comes from (which of a row's links it gets)."""
    return {"label": label, "data": [number(v) for v in data], "role": role, "key": key}


def _column(table: Table, key: str) -> list[Any]:
    return [record[key] for record in table.records()]


def _label_of(table: Table, key: str) -> str:
    return next(c.label for c in table.columns if c.key == key)


def stacked(table: Table) -> Spec:
    """Cases per month or year, one stacked bar per period, a layer per direction."""
    first = table.columns[0].key
    return {"kind": "stacked", "horizontal": False,
            "labels": [str(v) for v in _column(table, first)],
            "datasets": [dataset(_label_of(table, d.value), _column(table, d.value),
                                 key=d.value) for d in Direction]}


def bars(*keys: str) -> Callable[[Table], Spec]:
    """Horizontal bars per row (largest first, as the table), one dataset per key."""
    def build(table: Table) -> Spec:
        rows = table.records()[:MAX_BARS]
        return {"kind": "bar", "horizontal": True,
                "labels": [str(r["label"]) for r in rows],
                "datasets": [dataset(_label_of(table, k), [r[k] for r in rows], key=k)
                             for k in keys],
                "more": max(len(table.rows) - MAX_BARS, 0)}
    return build


def pareto(table: Table) -> Spec:
    """Bars of cases per category, largest first, with the cumulative share as a line."""
    rows = table.records()[:MAX_BARS]
    shares = [None if r["cumulative_share"] is None else round(r["cumulative_share"] * 100, 1)
              for r in rows]
    return {"kind": "pareto", "horizontal": False,
            "labels": [str(r["label"]) for r in rows],
            "datasets": [dataset(_label_of(table, "count"), [r["count"] for r in rows],
                                 key="count"),
                         dataset(_label_of(table, "cumulative_share") + " (%)", shares,
                                 "share")],
            "more": max(len(table.rows) - MAX_BARS, 0)}


def escalations(table: Table) -> Spec:
    rows = table.records()
    return {"kind": "bar", "horizontal": False,
            "labels": [_("Level %(n)s", n=r["level"]) for r in rows],
            "datasets": [dataset(_label_of(table, "count"), [r["count"] for r in rows],
                                 key="count")]}


#: Table name -> its chart. Tables of key figures (performance, feedback, measures)
#: have no chart: the numbers are few and read best as they are.
CHARTS: dict[str, Callable[[Table], Spec]] = {
    "per_month": stacked,
    "per_year": stacked,
    "by_category": pareto,
    "by_agreement": bars("count"),
    "by_transition": bars("count"),
    "by_reporting_organization": bars("count"),
    "by_receiving_organization": bars("count"),
    "by_unit": bars("count"),
    "by_consequence": bars("count"),
    "by_potential_consequence": bars("count"),
    "answer_performance_by_organization": bars("answer_median", "answer_p90"),
    "open_per_unit": bars("open", "overdue"),
    "escalations": escalations,
}


def chart_for(table: Table, links: list[dict[str, str]] | None = None,
              partial: Callable[[Any], bool] | None = None) -> Spec | None:
    """The table's chart, or None when it has none or no rows to draw. ``links``: the
    rows' links (drilldown.row_links), the first rows' go on their bars; ``partial``:
    whether a label's period has not ended yet."""
    build = CHARTS.get(table.name)
    if build is None or not table.rows:
        return None
    spec = build(table)
    if links:
        for data in spec["datasets"]:
            if data["key"] is not None:
                data["links"] = [row.get(data["key"]) for row in links[:len(spec["labels"])]]
    if partial is not None:
        spec["partial"] = [partial(label) for label in spec["labels"]]
    return spec


def marked_points(chart: RunChart) -> list[bool]:
    """Per point, whether it is part of a long run that signals (off the median)."""
    marked = [False] * len(chart.values)
    for signal in chart.signals:
        if signal.kind == "long_run":
            for index in range(signal.start, signal.end + 1):
                marked[index] = chart.values[index] != chart.median
    return marked


def run_chart(chart: RunChart, labels: list[str], links: list[str | None] | None = None
              ) -> Spec:
    """A run chart: the series, its median as a line, and the points of a signal marked."""
    marked = marked_points(chart)
    return {"kind": "run", "horizontal": False, "labels": labels,
            "datasets": [{**dataset(_("Cases"), chart.values), "links": links},
                         dataset(_("Median"), [chart.median] * len(chart.values), "median")],
            "marked": marked, "markedLabel": _("Part of a signal")}
