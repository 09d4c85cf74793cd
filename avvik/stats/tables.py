"""Every aggregate as a named table: the same numbers for the page's table, the exports
and ``GET /api/v1/stats/<name>``.

Every table comes already protected for the viewer (avvik.stats.suppression: small
counts and what would give them back), so no caller can forget it. Each table is built from a
``Batch`` (avvik.stats.batch), so that the tables of one page share their queries.
A table's title and headers are translated once per language, not each time it is built.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from avvik.core.timeutil import oslo_today
from avvik.reports.models import Direction
from avvik.stats import queries
from avvik.stats.batch import BREAKDOWN_TABLES, Batch
from avvik.stats.filters import YEARS
from avvik.stats.labels import DIRECTION_LABELS
from avvik.stats.queries import Dimension
from avvik.stats.queries.base import Selection
from avvik.stats.queries.events import event_count
from avvik.stats.queries.followup import unit_loads
from avvik.stats.queries.measures import MeasureEvaluation, evaluations_of, summary_of
from avvik.stats.queries.performance import overall_performance, performance_per_organization
from avvik.stats.queries.serious import serious_counts
from avvik.stats.suppression import TOTAL, Layout, is_hidden, protect

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


Rows = list[list[Cell]]
#: A table's rows from its batch; a key-value table's builder gives the values only, in
#: the order of its indicators.
Builder = Callable[[Batch], Rows]


@dataclass(frozen=True)
class Spec:
    """How one table is made: its texts (translated when built) and its rows."""

    title: object  #: lazy text
    columns: tuple[tuple[str, object], ...]  #: (key, lazy label)
    build: Builder
    #: Key-value tables: (key, lazy label) of each row, beside the built values.
    indicators: tuple[tuple[str, object], ...] = ()
    #: Its counts and how they add up, for the suppression of small counts.
    layout: Layout | None = None


def build(batch: Batch, name: str) -> Table:
    """The table ``name`` (a key of TABLES) of ``batch``'s selection."""
    spec = TABLES[name]
    title, columns, indicators = _texts(name, str(get_locale()))
    rows = spec.build(batch)
    if spec.indicators:
        rows = [[key, label, *values] for (key, _), label, values
                in zip(spec.indicators, indicators, rows, strict=True)]
    # Asked for every table (once a batch), so that a page asks as many questions
    # whatever its counts.
    exact = batch.exact()
    rows = protect(rows, [key for key, _ in spec.columns], spec.layout, batch.total(),
                   lambda: exact)
    suppressed = any(is_hidden(cell) for row in rows for cell in row)
    return Table(name, title, list(columns), rows, suppressed, batch.filters.to_dict())


@lru_cache(maxsize=256)
def _texts(name: str, _locale: str) -> tuple[str, tuple[Column, ...], tuple[str, ...]]:
    # Keyed by the language too: the lazy texts are translated into the current one.
    spec = TABLES[name]
    return (str(spec.title), tuple(Column(key, str(label)) for key, label in spec.columns),
            tuple(str(label) for _, label in spec.indicators))


_DIRECTIONS = tuple((d.value, DIRECTION_LABELS[d]) for d in Direction)
_KEY_VALUE = (("key", _l("Key")), ("label", _l("Indicator")), ("value", _l("Value")))


def _per_month(batch: Batch) -> Rows:
    return [[f"{p.period:%Y-%m}", *p.by_direction.values(), p.total]
            for p in batch.periods().per_month()]


def _per_year(batch: Batch) -> Rows:
    return [[p.period.year, *p.by_direction.values(), p.total]
            for p in batch.periods().per_year()]


def _breakdown(dimension: Dimension) -> Builder:
    def rows(batch: Batch) -> Rows:
        return [[r.key, r.label, r.count, r.share, r.cumulative_share]
                for r in batch.breakdown(dimension)]
    return rows


def _performance(batch: Batch) -> Rows:
    p = overall_performance(batch.performance())
    return [[p.acknowledge.count], [p.acknowledge.median], [p.acknowledge.p90],
            [p.answer.count], [p.answer.median], [p.answer.p90], [p.answered],
            [p.answered_in_time], [p.within_deadline_share]]


def _performance_by_organization(batch: Batch) -> Rows:
    rows: Rows = []
    for row in performance_per_organization(batch.performance()):
        p = row.performance
        rows.append([row.organization_id, row.label, *_durations(p.acknowledge),
                     *_durations(p.answer), p.within_deadline_share])
    return rows


def _durations(stats: queries.DurationStats) -> list[Cell]:
    return [stats.count, stats.median, stats.p90]


def _open_per_unit(batch: Batch) -> Rows:
    loads = unit_loads(batch.selection, batch.now)
    return [[u.unit_id, u.label, u.open, u.overdue] for u in loads]


def _escalations(batch: Batch) -> Rows:
    return [[e.level, e.count] for e in batch.follow_up().escalations]


def _feedback(batch: Batch) -> Rows:
    f = batch.follow_up().feedback
    return [[f.closed], [f.closed_delivered], [f.closed_share], [f.answered],
            [f.answered_delivered], [f.answered_share]]


def _serious(batch: Batch) -> Rows:
    s = serious_counts(batch.selection)
    return [[s.serious], [s.notice_recorded], [s.notified], [s.notified_share],
            [s.patient_recorded], [s.patient_informed], [s.informed_share]]


def _events(batch: Batch) -> Rows:
    e = event_count(batch.selection, batch.total())
    return [[e.reports], [e.events], [e.linked_reports]]


def _measures(batch: Batch) -> Rows:
    m = summary_of(batch.selection, oslo_today(batch.now))
    return [[m.open], [m.overdue], [m.evaluated]]


#: The evaluated measures a page shows at most (a chart and a table each).
MAX_EVALUATIONS = 20


def _measure_evaluations(batch: Batch) -> Rows:
    return evaluation_rows(evaluations_of(batch.selection, today=oslo_today(batch.now),
                                          limit=MAX_EVALUATIONS))


def _measures_started(batch: Batch) -> Rows:
    # Every measure that started in the period and answers a case in the viewer's
    # selection, whenever that case happened (a measure started in January may answer
    # December's cases): the yearly report lists a measure in the year it started.
    chosen = batch.selection
    anytime = Selection(chosen.shape, {**chosen.params,
                                       "period_from": date(min(YEARS), 1, 1)})
    return evaluation_rows(evaluations_of(
        anytime, today=oslo_today(batch.now),
        started=(batch.filters.period_from, batch.filters.period_to)))


def evaluation_rows(found: list[MeasureEvaluation]) -> Rows:
    """One row per measure and month, before and after its start: the owning unit's
    cases, its registered discharges and the rate per 100 discharges."""
    rows: Rows = []
    for e in found:
        ev = e.evaluation
        for period, months in (("before", ev.before), ("after", ev.after)):
            rows += [[e.measure_id, e.title, ev.start_date, f"{m.month:%Y-%m}", period,
                      m.count, m.discharges, m.rate] for m in months]
    return rows


_BREAKDOWN_COLUMNS = (("key", _l("Id")), ("label", _l("Name")), ("count", _l("Cases")),
                      ("share", _l("Share")), ("cumulative_share", _l("Cumulative share")))
_BREAKDOWN_TITLES = {
    "by_agreement": _l("Cases per agreement"),
    "by_transition": _l("Cases per transition"),
    "by_category": _l("Cases per category (Pareto)"),
    "by_reporting_organization": _l("Cases per reporting organisation"),
    "by_receiving_organization": _l("Cases per receiving organisation"),
    "by_unit": _l("Cases per responsible unit"),
    "by_consequence": _l("Cases per consequence"),
    "by_potential_consequence": _l("Cases per potential consequence"),
}

#: The working-day figures of the answer-performance tables, in their order.
_DURATION_COLUMNS = (
    ("acknowledged", _l("Acknowledged cases")),
    ("acknowledge_median", _l("Working days to acknowledge, median")),
    ("acknowledge_p90", _l("Working days to acknowledge, 90th percentile")),
    ("answered", _l("Answered cases")),
    ("answer_median", _l("Working days to answer, median")),
    ("answer_p90", _l("Working days to answer, 90th percentile")),
)

_MEDIANS = {"acknowledge_median": "acknowledged", "acknowledge_p90": "acknowledged",
            "answer_median": "answered", "answer_p90": "answered"}
#: How each table's counts add up (avvik.stats.suppression); measures count measures,
#: not cases, and have none.
_LAYOUTS = {
    "per_month": Layout(("total", *(d.value for d in Direction)), row_total="total",
                        months="month", sort_by=None),
    "per_year": Layout(("total", *(d.value for d in Direction)), row_total="total",
                       sort_by=None),
    "breakdown": Layout(("count",), derived={"share": "count"}, running=("cumulative_share",)),
    "answer_performance": Layout(
        ("acknowledged", "answered", "answered_with_deadline", "answered_in_time"),
        derived={**_MEDIANS, "within_deadline_share": "answered_in_time"},
        parts=(("answered", TOTAL), ("acknowledged", TOTAL),
               ("answered_with_deadline", "answered"),
               ("answered_in_time", "answered_with_deadline")), keyed=True),
    "answer_performance_by_organization": Layout(
        ("acknowledged", "answered"),
        derived={**_MEDIANS, "within_deadline_share": "answered"}),
    "open_per_unit": Layout(("open", "overdue"), parts=(("overdue", "open"),)),
    "escalations": Layout(("count",), columns_add_up=False, sort_by=None),
    "feedback": Layout(
        ("closed", "closed_delivered", "answered", "answered_delivered"),
        derived={"closed_share": "closed_delivered", "answered_share": "answered_delivered"},
        parts=(("answered", TOTAL), ("closed", "answered"), ("closed_delivered", "closed"),
               ("answered_delivered", "answered")), keyed=True),
    "serious_events": Layout(
        ("serious", "notice_recorded", "notified", "patient_recorded", "patient_informed"),
        derived={"notified_share": "notified", "informed_share": "patient_informed"},
        parts=(("serious", TOTAL), ("notice_recorded", "serious"), ("notified", "serious"),
               ("patient_recorded", "serious"), ("patient_informed", "serious")), keyed=True),
    "events": Layout(("reports", "events", "linked_reports"),
                     parts=(("events", "reports"), ("linked_reports", "reports")), keyed=True),
    # A rate is worked out from its count: hidden with it.
    "measure_evaluations": Layout(("count",), columns_add_up=False, sort_by=None,
                                  derived={"rate": "count"}),
}
_EVALUATION_COLUMNS = (
    ("measure_id", _l("Id")), ("title", _l("Measure")), ("start_date", _l("Start date")),
    ("month", _l("Month")), ("period", _l("Before or after")), ("count", _l("Cases")),
    ("discharges", _l("Discharges")), ("rate", _l("Cases per 100 discharges")))

#: Every table by name. The names are the API's ``/api/v1/stats/<name>``.
TABLES: dict[str, Spec] = {
    "per_month": Spec(_l("Cases per month"),
                      (("month", _l("Month")), *_DIRECTIONS, ("total", _l("Total"))), _per_month,
                      layout=_LAYOUTS["per_month"]),
    "per_year": Spec(_l("Cases per year"),
                     (("year", _l("Year")), *_DIRECTIONS, ("total", _l("Total"))), _per_year,
                     layout=_LAYOUTS["per_year"]),
    **{name: Spec(title, _BREAKDOWN_COLUMNS, _breakdown(BREAKDOWN_TABLES[name]),
                   layout=_LAYOUTS["breakdown"])
       for name, title in _BREAKDOWN_TITLES.items()},
    "answer_performance": Spec(_l("Answer performance"), _KEY_VALUE, _performance, (
        *_DURATION_COLUMNS,
        ("answered_with_deadline", _l("Answered cases with a deadline")),
        ("answered_in_time", _l("Answered within the deadline")),
        ("within_deadline_share", _l("Share answered within the deadline"))),
        _LAYOUTS["answer_performance"]),
    "answer_performance_by_organization": Spec(
        _l("Answer performance per organisation"),
        (("organization_id", _l("Id")), ("label", _l("Organisation")),
         *_DURATION_COLUMNS, ("within_deadline_share", _l("Share answered within the deadline"))),
        _performance_by_organization, layout=_LAYOUTS["answer_performance_by_organization"]),
    "open_per_unit": Spec(_l("Open and overdue cases per unit"),
                          (("unit_id", _l("Id")), ("label", _l("Unit")), ("open", _l("Open")),
                           ("overdue", _l("Overdue"))), _open_per_unit,
                          layout=_LAYOUTS["open_per_unit"]),
    "escalations": Spec(_l("Escalations per level"),
                        (("level", _l("Escalation level")), ("count", _l("Cases"))),
                        _escalations, layout=_LAYOUTS["escalations"]),
    "feedback": Spec(_l("Feedback to the reporter"), _KEY_VALUE, _feedback, (
        ("closed", _l("Closed cases")),
        ("closed_delivered", _l("Closed cases whose answer reached the reporter")),
        ("closed_share", _l("Share of closed cases whose answer reached the reporter")),
        ("answered", _l("Answered or closed cases")),
        ("answered_delivered", _l("Answered or closed cases whose answer reached the "
                                  "reporter")),
        ("answered_share", _l("Share of answered cases whose answer reached the reporter"))),
        _LAYOUTS["feedback"]),
    "serious_events": Spec(_l("Serious events"), _KEY_VALUE, _serious, (
        ("serious", _l("Serious events")),
        ("notice_recorded", _l("Notice to Helsetilsynet recorded")),
        ("notified", _l("Recorded as notified to Helsetilsynet")),
        ("notified_share", _l("Share of serious events notified to Helsetilsynet")),
        ("patient_recorded", _l("Patient or next of kin: informing recorded")),
        ("patient_informed", _l("Recorded as informed: patient or next of kin")),
        ("informed_share", _l("Share of serious events where the patient or next of kin "
                              "was informed"))), _LAYOUTS["serious_events"]),
    "events": Spec(_l("Reports and events"), _KEY_VALUE, _events, (
        ("reports", _l("Reports")),
        ("events", _l("Events (linked reports of one event counted once)")),
        ("linked_reports", _l("Reports linked to another report of the same event"))),
        _LAYOUTS["events"]),
    "measures": Spec(_l("Measures"), _KEY_VALUE, _measures, (
        ("open", _l("Open measures")), ("overdue", _l("Overdue measures")),
        ("evaluated", _l("Evaluated measures")))),
    "measure_evaluations": Spec(
        _l("Evaluated measures: the owning unit's cases before and after the start"),
        _EVALUATION_COLUMNS, _measure_evaluations, layout=_LAYOUTS["measure_evaluations"]),
    "measures_started": Spec(
        _l("Measures started in the period: the owning unit's cases before and after"),
        _EVALUATION_COLUMNS, _measures_started, layout=_LAYOUTS["measure_evaluations"]),
}


def _jsonable(value: Cell) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value
