"""Every aggregate as a named table: the same numbers for the page's table, the exports
and ``GET /api/v1/stats/<name>``.

Tables split by organisation or unit come already suppressed for the viewer
(avvik.stats.suppression), so no caller can forget it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from avvik.reports.models import Direction
from avvik.stats import queries
from avvik.stats.filters import StatsFilter
from avvik.stats.labels import direction_label
from avvik.stats.queries import Dimension
from avvik.stats.scope import own_organizations
from avvik.stats.suppression import HIDDEN, is_small, suppress_small
from avvik.users.models import User

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Column:
    key: str  #: stable, for JSON and code
    label: str  #: the reader's words, for headers


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    #: Some counts are shown as "<5"; a page must then not print an exact total.
    suppressed: bool = False
    filters: dict[str, str] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return [column.label for column in self.columns]

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def records(self) -> list[dict[str, Cell]]:
        return [dict(zip((c.key for c in self.columns), row, strict=True))
                for row in self.rows]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO strings, counts as numbers or "<5"."""
        return {
            "name": self.name, "title": self.title, "filters": self.filters,
            "suppressed": self.suppressed,
            "columns": [{"key": c.key, "label": c.label} for c in self.columns],
            "rows": [{key: _jsonable(value) for key, value in record.items()}
                     for record in self.records()],
        }


Built = tuple[list[Column], list[list[Cell]]]
Builder = Callable[[User, StatsFilter, datetime | None], Built]


def _columns(*pairs: tuple[str, object]) -> list[Column]:
    return [Column(key, str(label)) for key, label in pairs]


def _periods(per_year: bool) -> Builder:
    def build(user: User, filters: StatsFilter, _now: datetime | None) -> Built:
        periods = (queries.counts_per_year if per_year else queries.counts_per_month)(
            user, filters)
        first = ("year", _l("Year")) if per_year else ("month", _l("Month"))
        columns = _columns(first, *((d.value, direction_label(d)) for d in Direction),
                           ("total", _l("Total")))
        rows = [[p.period.year if per_year else f"{p.period:%Y-%m}",
                 *p.by_direction.values(), p.total] for p in periods]
        return columns, rows
    return build


def _breakdown(dimension: Dimension) -> Builder:
    def build(user: User, filters: StatsFilter, _now: datetime | None) -> Built:
        rows = queries.breakdown(user, filters, dimension)
        if dimension in queries.SPLIT_BY_ORGANIZATION:
            rows = suppress_small(rows, user)
        columns = _columns(("key", _l("Id")), ("label", _l("Name")), ("count", _l("Cases")),
                           ("share", _l("Share")), ("cumulative_share", _l("Cumulative share")))
        return columns, [[r.key, r.label, r.count, r.share, r.cumulative_share] for r in rows]
    return build


def _key_values(pairs: list[tuple[str, object, Cell]]) -> Built:
    columns = _columns(("key", _l("Key")), ("label", _l("Indicator")), ("value", _l("Value")))
    return columns, [[key, str(label), value] for key, label, value in pairs]


def _performance(user: User, filters: StatsFilter, _now: datetime | None) -> Built:
    p = queries.answer_performance(user, filters)
    return _key_values([
        ("acknowledged", _l("Acknowledged cases"), p.acknowledge.count),
        ("acknowledge_median", _l("Working days to acknowledge, median"), p.acknowledge.median),
        ("acknowledge_p90", _l("Working days to acknowledge, 90th percentile"),
         p.acknowledge.p90),
        ("answered", _l("Answered cases"), p.answer.count),
        ("answer_median", _l("Working days to answer, median"), p.answer.median),
        ("answer_p90", _l("Working days to answer, 90th percentile"), p.answer.p90),
        ("answered_with_deadline", _l("Answered cases with a deadline"), p.answered),
        ("answered_in_time", _l("Answered within the deadline"), p.answered_in_time),
        ("within_deadline_share", _l("Share answered within the deadline"),
         p.within_deadline_share),
    ])


def _performance_by_organization(user: User, filters: StatsFilter,
                                 _now: datetime | None) -> Built:
    # Not dataclass rows of counts, so suppressed here: another organisation's figures
    # over 1-4 cases are hidden, the median and percentile with their count.
    own = own_organizations(user)
    columns = _columns(
        ("organization_id", _l("Id")), ("label", _l("Organisation")),
        ("acknowledged", _l("Acknowledged cases")),
        ("acknowledge_median", _l("Working days to acknowledge, median")),
        ("acknowledge_p90", _l("Working days to acknowledge, 90th percentile")),
        ("answered", _l("Answered cases")),
        ("answer_median", _l("Working days to answer, median")),
        ("answer_p90", _l("Working days to answer, 90th percentile")),
        ("within_deadline_share", _l("Share answered within the deadline")))
    rows: list[list[Cell]] = []
    for row in queries.answer_performance_by_organization(user, filters):
        p, show = row.performance, user.is_admin or row.organization_id in own
        rows.append([row.organization_id, row.label, *_durations(p.acknowledge, show),
                     *_durations(p.answer, show),
                     p.within_deadline_share if show or not is_small(p.answered) else None])
    return columns, rows


def _durations(stats: queries.DurationStats, show: bool) -> list[Cell]:
    if show or not is_small(stats.count):
        return [stats.count, stats.median, stats.p90]
    return [HIDDEN, None, None]


def _open_per_unit(user: User, filters: StatsFilter, now: datetime | None) -> Built:
    loads = suppress_small(queries.open_and_overdue_per_unit(user, filters, now), user)
    columns = _columns(("unit_id", _l("Id")), ("label", _l("Unit")), ("open", _l("Open")),
                       ("overdue", _l("Overdue")))
    return columns, [[u.unit_id, u.label, u.open, u.overdue] for u in loads]


def _escalations(user: User, filters: StatsFilter, _now: datetime | None) -> Built:
    columns = _columns(("level", _l("Escalation level")), ("count", _l("Cases")))
    return columns, [[e.level, e.count]
                     for e in queries.escalations_per_level(user, filters)]


def _feedback(user: User, filters: StatsFilter, _now: datetime | None) -> Built:
    f = queries.feedback(user, filters)
    return _key_values([
        ("closed", _l("Closed cases"), f.closed),
        ("closed_delivered", _l("Closed cases whose answer reached the reporter"),
         f.closed_delivered),
        ("closed_share", _l("Share of closed cases whose answer reached the reporter"),
         f.closed_share),
        ("answered", _l("Answered or closed cases"), f.answered),
        ("answered_delivered", _l("Answered or closed cases whose answer reached the "
                                  "reporter"), f.answered_delivered),
        ("answered_share", _l("Share of answered cases whose answer reached the reporter"),
         f.answered_share),
    ])


def _measures(user: User, filters: StatsFilter, now: datetime | None) -> Built:
    from avvik.measures.services import oslo_today

    m = queries.measure_summary(user, filters, oslo_today(now))
    return _key_values([("open", _l("Open measures"), m.open),
                        ("overdue", _l("Overdue measures"), m.overdue),
                        ("evaluated", _l("Evaluated measures"), m.evaluated)])


#: The evaluated measures a page shows at most (each costs two small queries).
MAX_EVALUATIONS = 20


def _measure_evaluations(user: User, filters: StatsFilter, now: datetime | None) -> Built:
    # One row per measure and month, before and after its start. Counts of 1-4 are
    # hidden ("<5") for a measure owned outside the viewer's organisations.
    from avvik.measures.services import oslo_today

    own = own_organizations(user)
    columns = _columns(("measure_id", _l("Id")), ("title", _l("Measure")),
                       ("start_date", _l("Start date")), ("month", _l("Month")),
                       ("period", _l("Before or after")), ("count", _l("Cases")))
    rows: list[list[Cell]] = []
    for e in queries.measure_evaluations(user, filters, today=oslo_today(now),
                                         limit=MAX_EVALUATIONS):
        show = user.is_admin or e.organization_id in own
        for period, months in (("before", e.counts.before), ("after", e.counts.after)):
            rows += [[e.measure_id, e.title, e.counts.start_date, f"{m.month:%Y-%m}", period,
                      m.count if show or not is_small(m.count) else HIDDEN]
                     for m in months]
    return columns, rows


#: name -> (title, builder). The names are the API's ``/api/v1/stats/<name>``.
TABLES: dict[str, tuple[object, Builder]] = {
    "per_month": (_l("Cases per month"), _periods(per_year=False)),
    "per_year": (_l("Cases per year"), _periods(per_year=True)),
    "by_agreement": (_l("Cases per agreement"), _breakdown(Dimension.AGREEMENT)),
    "by_transition": (_l("Cases per transition"), _breakdown(Dimension.TRANSITION)),
    "by_category": (_l("Cases per category (Pareto)"), _breakdown(Dimension.CATEGORY)),
    "by_reporting_organization": (_l("Cases per reporting organisation"),
                                  _breakdown(Dimension.REPORTING_ORGANIZATION)),
    "by_receiving_organization": (_l("Cases per receiving organisation"),
                                  _breakdown(Dimension.RECEIVING_ORGANIZATION)),
    "by_unit": (_l("Cases per responsible unit"), _breakdown(Dimension.UNIT)),
    "by_consequence": (_l("Cases per consequence"), _breakdown(Dimension.CONSEQUENCE)),
    "answer_performance": (_l("Answer performance"), _performance),
    "answer_performance_by_organization": (_l("Answer performance per organisation"),
                                           _performance_by_organization),
    "open_per_unit": (_l("Open and overdue cases per unit"), _open_per_unit),
    "escalations": (_l("Escalations per level"), _escalations),
    "feedback": (_l("Feedback to the reporter"), _feedback),
    "measures": (_l("Measures"), _measures),
    "measure_evaluations": (_l("Evaluated measures: cases of the same kind before and "
                               "after the start"), _measure_evaluations),
}


def _jsonable(value: Cell) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value
