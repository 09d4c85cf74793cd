"""Run charts and the Anhøj rules for non-random variation.

Anhøj J, Olesen AV. Run charts revisited: a simulation study of run chart rules for
detection of non-random variation in health care processes. PLoS ONE 2014;9(11):e113825.

The centre line is the median of the series. Points on the median are not useful: they
neither start nor break a run and are not counted. With ``n`` useful observations:

- a **run** is a sequence of useful points on one side of the median; a run longer than
  ``round(log2(n) + 3)`` signals a shift;
- a **crossing** is a pair of neighbouring useful points on opposite sides; fewer
  crossings than the 5th percentile of Binomial(n - 1, 0.5) - R's
  ``qbinom(0.05, n - 1, 0.5)``, the smallest k with P(X <= k) >= 0.05, computed here
  exactly - signals a shift (or a trend).

Rules need data: with fewer than MIN_USEFUL useful points the limits are given but no
signal is raised (Anhøj recommends 10 or more points).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from flask_babel import format_date, gettext

MIN_USEFUL = 10
ALPHA = 0.05

Side = Literal["above", "below"]


def longest_run_limit(useful: int) -> int:
    """The longest run a random series of ``useful`` points is expected to have."""
    # log2(n) + 3 is never exactly x.5 for a whole n, so Python's rounding of halves to
    # even (R's too) cannot make a difference.
    return round(math.log2(useful) + 3)


def crossings_limit(useful: int) -> int:
    """The fewest crossings a random series of ``useful`` points is expected to have."""
    trials, k = useful - 1, 0
    while binomial_cdf(k, trials) < ALPHA:
        k += 1
    return k


def binomial_cdf(k: int, trials: int, p: float = 0.5) -> float:
    """P(X <= k) for X ~ Binomial(trials, p), summed exactly."""
    if k < 0:
        return 0.0
    return math.fsum(math.comb(trials, i) * p**i * (1 - p) ** (trials - i)
                     for i in range(min(k, trials) + 1))


@dataclass(frozen=True)
class Run:
    start: int  #: index in the series of its first point
    end: int  #: index of its last point (inclusive); points on the median inside are skipped
    length: int  #: useful points in it
    side: Side


@dataclass(frozen=True)
class Signal:
    kind: Literal["long_run", "few_crossings"]
    start: int  #: index of the first point concerned
    end: int  #: index of the last point concerned (inclusive)
    value: int  #: the run's length, or the number of crossings
    limit: int  #: the critical value it broke
    side: Side | None = None  #: for a long run
    since: object = None  #: the label (a month's first day) of the first point
    is_current: bool = False  #: it reaches the last useful point: still going on

    @property
    def message(self) -> str:
        """The signal in words, translated when read (so in the reader's language)."""
        if self.kind == "few_crossings":
            return gettext("unusually few crossings: %(n)d, expected at least %(min)d",
                           n=self.value, min=self.limit)
        month = _month_name(self.since, self.start)
        if self.side == "above":
            return gettext("unusually long run: %(n)d months above the median since "
                           "%(month)s", n=self.value, month=month)
        return gettext("unusually long run: %(n)d months below the median since "
                       "%(month)s", n=self.value, month=month)


@dataclass(frozen=True)
class RunChart:
    values: list[float]
    labels: list[object]
    median: float | None
    useful: int  #: points not on the median
    runs: list[Run]
    longest_run: int
    longest_run_limit: int | None  #: None without useful points
    crossings: int
    crossings_limit: int | None
    signals: list[Signal] = field(default_factory=list)
    min_useful: int = MIN_USEFUL  #: useful points needed before a signal is raised

    @property
    def enough_data(self) -> bool:
        return self.useful >= self.min_useful

    @property
    def current_signals(self) -> list[Signal]:
        return [signal for signal in self.signals if signal.is_current]


def analyse(values: Sequence[float], labels: Sequence[object] | None = None, *,
            centre: float | None = None, min_useful: int = MIN_USEFUL) -> RunChart:
    """The run chart of ``values`` (oldest first), with its runs, limits and signals.

    ``labels`` (one per value, typically the months' first days) name where a signal
    starts in its message. ``centre``: a median frozen from a baseline (a measure's months
    before its start) instead of the series' own, so that the rules tell whether the
    values after a change differ from those before it.
    """
    points = [float(v) for v in values]
    names = list(labels) if labels is not None else [None] * len(points)
    if len(names) != len(points):
        raise ValueError("one label per value")
    if not points:
        return RunChart([], [], None, 0, [], 0, None, 0, None)
    if centre is None:
        centre = statistics.median(points)
    runs = _runs(points, centre)
    useful = sum(run.length for run in runs)
    longest = max((run.length for run in runs), default=0)
    crossings = max(len(runs) - 1, 0)
    if not useful:
        return RunChart(points, names, centre, 0, runs, 0, None, 0, None,
                        min_useful=min_useful)
    run_limit, cross_limit = longest_run_limit(useful), crossings_limit(useful)
    signals: list[Signal] = []
    if useful >= min_useful:
        last = runs[-1].end
        signals += [Signal("long_run", run.start, run.end, run.length, run_limit, run.side,
                           names[run.start], run.end == last)
                    for run in runs if run.length > run_limit]
        if crossings < cross_limit:
            signals.append(Signal("few_crossings", runs[0].start, last, crossings,
                                  cross_limit, None, names[runs[0].start], True))
    return RunChart(points, names, centre, useful, runs, longest, run_limit, crossings,
                    cross_limit, signals, min_useful)


def _runs(points: list[float], centre: float) -> list[Run]:
    runs: list[Run] = []
    for index, value in enumerate(points):
        if value == centre:
            continue
        side: Side = "above" if value > centre else "below"
        if runs and runs[-1].side == side:
            previous = runs[-1]
            runs[-1] = Run(previous.start, index, previous.length + 1, side)
        else:
            runs.append(Run(index, index, 1, side))
    return runs


def _month_name(label: object, index: int) -> str:
    if isinstance(label, date):
        return format_date(label, "MMMM yyyy")
    return str(label) if label is not None else f"#{index + 1}"
