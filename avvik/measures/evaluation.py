"""Did deviations of that kind drop after the measure started? Monthly rates for the unit
that owns the measure, before and after its start, judged as an improvement adviser
would: a run chart of the months after the start against the median of the months
before it (frozen), with the Anhøj rules (avvik.stats.anhoej).

- Counted: cases in the categories of the measure's cases where the owning unit is the
  responsible unit or the reporting unit, by the month of the event (drafts, reports
  awaiting approval and withdrawn ones are no cases).
- Rate: cases per 100 discharges, where the unit registered its discharges for the month
  (avvik.discharges); the evaluation uses rates only when every month has them, else
  counts per month, so that before and after are measured alike.
- Before: up to ``BEFORE_MONTHS`` months before the start, never a month before the first
  case in the database (a month without any data is not a month with no deviations).
  After: the whole months from the start that have ended, up to ``AFTER_MONTHS``; the
  start month is after only when the measure started on its 1st (otherwise it mixes both).
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Date,
    Executable,
    Integer,
    Select,
    and_,
    bindparam,
    func,
    or_,
    select,
    union_all,
)

from avvik.catalog.models import Category
from avvik.core.db import run
from avvik.core.sql import dialect_name, in_codes, in_ids
from avvik.core.timeutil import oslo_today
from avvik.discharges.models import DischargeCount
from avvik.measures.models import Measure, MeasureReport
from avvik.measures.services import NOT_A_CASE
from avvik.reports.models import Report
from avvik.stats import anhoej

BEFORE_MONTHS = 12
AFTER_MONTHS = 24
#: Months after the start needed (off the baseline median) before the rules may signal:
#: the fewest in which a run can exceed Anhøj's limit (7 > round(log2(7) + 3) = 6). The
#: baseline is fixed, so the question is only whether the months after sit on one side.
MIN_AFTER = 7


@dataclass(frozen=True)
class MonthRate:
    month: date  #: the first day of the month
    count: int
    discharges: int | None = None  #: registered for the owning unit, if any

    @property
    def rate(self) -> float | None:
        """Cases per 100 discharges (None without a registered, non-zero figure)."""
        if not self.discharges:
            return None
        return round(self.count * 100 / self.discharges, 1)


@dataclass(frozen=True)
class Evaluation:
    """One measure's months before and after its start (see the module docstring)."""

    measure_id: int
    unit_id: int
    start_date: date
    category_names: list[str]
    before: list[MonthRate]
    after: list[MonthRate]

    @property
    def uses_rates(self) -> bool:
        """Whether every month has discharges, so that rates are compared."""
        return bool(self.before) and all(m.rate is not None for m in self.before + self.after)

    def values(self, months: list[MonthRate]) -> list[float]:
        return [float(m.rate if self.uses_rates else m.count) for m in months]  # type: ignore[arg-type]

    @property
    def median_before(self) -> float | None:
        return statistics.median(self.values(self.before)) if self.before else None

    @property
    def median_after(self) -> float | None:
        return statistics.median(self.values(self.after)) if self.after else None

    @property
    def chart(self) -> anhoej.RunChart:
        """The months after the start against the median before it."""
        return anhoej.analyse(self.values(self.after), [m.month for m in self.after],
                              centre=self.median_before, min_useful=MIN_AFTER)


def evaluate_measure(measure: Measure, *, today: date | None = None) -> Evaluation | None:
    """The evaluation of one measure (None without a start date)."""
    if measure.start_date is None:
        return None
    return evaluate({measure.id: (measure.start_date, measure.owning_unit_id)},
                    today=today)[measure.id]


def evaluate(measures: Mapping[int, tuple[date, int]], *, today: date | None = None
             ) -> dict[int, Evaluation]:
    """The evaluations of several measures, given as {id: (start date, owning unit id)}:
    a statement per ``MAX_PARTS`` of them for the counts, one for the discharges."""
    if not measures:
        return {}
    today = today or oslo_today()
    first = first_case_date()
    windows = {m: _months_around(start, today, first) for m, (start, _u) in measures.items()}
    names: dict[int, list[str]] = {measure_id: [] for measure_id in measures}
    kinds: dict[int, list[int]] = {measure_id: [] for measure_id in measures}
    for measure_id, category_id, name in run(_categories(dialect_name()),
                                             {"measures": list(measures)}):
        names[measure_id].append(name)
        kinds[measure_id].append(category_id)
    counts = _counts(measures, kinds, windows)
    discharges = _discharges({unit for _s, unit in measures.values()}, windows)

    def series(measure_id: int, unit: int, months: list[date]) -> list[MonthRate]:
        return [MonthRate(m, counts.get((measure_id, m), 0), discharges.get((unit, m)))
                for m in months]

    return {measure_id: Evaluation(measure_id, unit, start, names[measure_id],
                                   series(measure_id, unit, windows[measure_id][0]),
                                   series(measure_id, unit, windows[measure_id][1]))
            for measure_id, (start, unit) in measures.items()}


def first_case_date() -> date | None:
    """The event date of the first case in the database: before it there are no data."""
    return run(select(func.min(Report.event_date))
               .where(in_codes(Report.status, NOT_A_CASE, negate=True)), {}).scalar_one()


def _months_around(start: date, today: date, first_data: date | None
                   ) -> tuple[list[date], list[date]]:
    start_month = start.replace(day=1)
    first_after = start_month if start.day == 1 else _shift(start_month, 1)
    earliest = first_data.replace(day=1) if first_data else start_month
    ended = today.replace(day=1)  # months before this one have ended
    before = [m for m in (_shift(start_month, -n) for n in range(BEFORE_MONTHS, 0, -1))
              if m >= earliest]
    after = [m for m in (_shift(first_after, n) for n in range(AFTER_MONTHS)) if m < ended]
    return before, after


def _shift(first: date, months: int) -> date:
    """A month's first day ``months`` later (earlier when negative): plain arithmetic,
    as a yearly report shifts thousands of them."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


#: Measures counted per statement at most: a page shows twenty.
MAX_PARTS = 20


def _counts(measures: Mapping[int, tuple[date, int]], kinds: Mapping[int, list[int]],
            windows: Mapping[int, tuple[list[date], list[date]]]) -> dict[tuple[int, date], int]:
    counts: dict[tuple[int, date], int] = {}
    ordered = [(m, windows[m]) for m in measures
               if (windows[m][0] or windows[m][1]) and kinds[m]]
    for begin in range(0, len(ordered), MAX_PARTS):
        params: dict[str, Any] = {}
        chunk = ordered[begin:begin + MAX_PARTS]
        for n, (measure_id, (before, after)) in enumerate(chunk):
            months = before + after
            params.update({f"measure_{n}": measure_id, f"unit_{n}": measures[measure_id][1],
                           f"categories_{n}": kinds[measure_id],
                           f"since_{n}": months[0], f"until_{n}": _shift(months[-1], 1)})
        # Counted per day and folded into months here, as the statistics count cases per
        # month (avvik/stats/queries/counts.py): a month in SQL is a function call per case.
        for measure_id, day, count in run(_monthly_counts(len(chunk)), params).all():
            key = (measure_id, day.replace(day=1))
            counts[key] = counts.get(key, 0) + count
    return counts


def _discharges(units: set[int], windows: Mapping[int, tuple[list[date], list[date]]]
                ) -> dict[tuple[int, date], int]:
    months = [m for before, after in windows.values() for m in before + after]
    if not months:
        return {}
    rows = run(select(DischargeCount.unit_id, DischargeCount.month, DischargeCount.count)
               .where(DischargeCount.unit_id.in_(units),
                      DischargeCount.month.between(min(months), max(months))), {})
    return {(unit, month): count for unit, month, count in rows}


# Built once per number of measures, with the measures and their windows as parameters.
@lru_cache(maxsize=MAX_PARTS)
def _monthly_counts(measures: int) -> Executable:
    parts = [part for n in range(measures) for part in _monthly_parts(n)]
    return union_all(*parts)


def _monthly_parts(n: int) -> list[Select[tuple[int, date, int]]]:
    """The owning unit's cases as the responsible unit, and as the reporting unit (when
    it is not also the responsible one): two parts, so that each reads one unit's cases
    through that unit's index instead of every case of the categories."""
    measure_id = bindparam(f"measure_{n}", type_=Integer)
    unit_id = bindparam(f"unit_{n}", type_=Integer)
    # The categories as a list, not a subquery: each is then one range of the unit's
    # index (unit, category, event date).
    categories = bindparam(f"categories_{n}", expanding=True, type_=Integer)
    common = (Report.category_id.in_(categories),
              in_codes(Report.status, NOT_A_CASE, negate=True),
              Report.event_date >= bindparam(f"since_{n}", type_=Date),
              Report.event_date < bindparam(f"until_{n}", type_=Date))
    sides = (Report.responsible_unit_id == unit_id,
             and_(Report.reporting_unit_id == unit_id,
                  or_(Report.responsible_unit_id.is_(None),
                      Report.responsible_unit_id != unit_id)))
    return [select(measure_id.label("measure_id"), Report.event_date,
                   func.count().label("count"))
            .select_from(Report).where(side, *common).group_by(Report.event_date)
            for side in sides]


@lru_cache(maxsize=4)
def _categories(dialect: str) -> Select[tuple[int, int, str]]:
    return (select(MeasureReport.measure_id, Category.id, Category.name).distinct()
            .join(Report, Report.id == MeasureReport.report_id)
            .join(Category, Category.id == Report.category_id)
            .where(in_ids(MeasureReport.measure_id, "measures", dialect))
            .order_by(MeasureReport.measure_id, Category.name))
