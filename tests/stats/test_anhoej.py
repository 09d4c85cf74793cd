"""The Anhøj rules against their published critical values and hand-worked series."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from avvik.core.timeutil import add_months
from avvik.stats.anhoej import analyse, binomial_cdf, crossings_limit, longest_run_limit

# Anhøj & Olesen 2014, table 1 (and qicharts2's "runs limits" appendix):
# useful observations -> (upper limit for the longest run, lower limit for crossings).
PUBLISHED = {
    10: (6, 2), 11: (6, 2), 12: (7, 3), 13: (7, 3), 14: (7, 4), 15: (7, 4), 16: (7, 4),
    17: (7, 5), 18: (7, 5), 19: (7, 6), 20: (7, 6), 21: (7, 6), 22: (7, 7), 23: (8, 7),
    24: (8, 8), 25: (8, 8), 26: (8, 8), 27: (8, 9), 28: (8, 9), 29: (8, 10), 30: (8, 10),
    31: (8, 11), 32: (8, 11), 33: (8, 11), 34: (8, 12), 35: (8, 12), 36: (8, 13),
    37: (8, 13), 38: (8, 14), 39: (8, 14), 40: (8, 14),
}


def months(n: int, first: date = date(2025, 1, 1)) -> list[date]:
    return [add_months(first, i) for i in range(n)]


@pytest.mark.parametrize("n", sorted(PUBLISHED))
def test_critical_values_match_the_published_table(n):
    assert (longest_run_limit(n), crossings_limit(n)) == PUBLISHED[n]


def test_the_worked_examples_of_the_paper():
    assert (longest_run_limit(24), crossings_limit(24)) == (8, 8)
    assert (longest_run_limit(10), crossings_limit(10)) == (6, 2)


def test_the_binomial_distribution_is_exact():
    assert binomial_cdf(0, 1) == 0.5
    assert binomial_cdf(1, 2) == 0.75
    assert binomial_cdf(-1, 5) == 0.0
    assert binomial_cdf(23, 23) == pytest.approx(1.0)
    # qbinom(0.05, 23, 0.5) = 8: P(X <= 7) < 0.05 <= P(X <= 8)
    assert binomial_cdf(7, 23) < 0.05 <= binomial_cdf(8, 23)


def test_a_random_looking_series_gives_no_signal():
    # median 4; the 4 is not useful; sides B A B B . A B B A A A
    chart = analyse([1, 5, 3, 3, 4, 6, 2, 3, 7, 8, 9])
    assert chart.median == 4
    assert chart.useful == 10
    assert [(r.start, r.end, r.length, r.side) for r in chart.runs] == [
        (0, 0, 1, "below"), (1, 1, 1, "above"), (2, 3, 2, "below"), (5, 5, 1, "above"),
        (6, 7, 2, "below"), (8, 10, 3, "above")]
    assert (chart.longest_run, chart.crossings) == (3, 5)
    assert (chart.longest_run_limit, chart.crossings_limit) == (6, 2)
    assert chart.signals == []


def test_a_shift_gives_two_long_runs_and_too_few_crossings():
    chart = analyse([1] * 10 + [5] + [9] * 10, months(21))
    assert (chart.median, chart.useful, chart.crossings) == (5, 20, 1)
    assert [(s.kind, s.start, s.end, s.value, s.limit, s.side, s.is_current)
            for s in chart.signals] == [
        ("long_run", 0, 9, 10, 7, "below", False),
        ("long_run", 11, 20, 10, 7, "above", True),
        ("few_crossings", 0, 20, 1, 6, None, True),
    ]
    assert [s.since for s in chart.signals] == [date(2025, 1, 1), date(2025, 12, 1),
                                                date(2025, 1, 1)]


def test_points_on_the_median_neither_break_nor_lengthen_a_run():
    # 27 points, median 5; the run above starts at index 9 and holds one 5 (index 13).
    values = [1, 9] * 5 + [9, 9, 9, 5, 9, 9, 9, 9] + [1] * 8 + [5]
    assert len(values) == 27
    chart = analyse(values, months(27))
    assert (chart.median, chart.useful) == (5, 25)
    assert (chart.longest_run, chart.longest_run_limit) == (8, 8)
    above = chart.runs[9]
    assert (above.start, above.end, above.length, above.side) == (9, 17, 8, "above")
    assert chart.signals == []  # a run of 8 is allowed with 25 points


def test_a_run_one_longer_than_its_limit_signals():
    values = [1, 9] * 5 + [9, 9, 9, 5, 9, 9, 9, 9, 9] + [1] * 8 + [5]
    chart = analyse(values, months(len(values)))
    assert (chart.useful, chart.longest_run, chart.longest_run_limit) == (26, 9, 8)
    [signal] = chart.signals
    assert (signal.kind, signal.start, signal.end, signal.value) == ("long_run", 9, 18, 9)
    assert signal.since == date(2025, 10, 1)
    assert not signal.is_current


def test_a_flat_series_has_no_useful_points_and_no_limits():
    chart = analyse([3] * 12)
    assert (chart.useful, chart.longest_run_limit, chart.crossings_limit) == (0, None, None)
    assert chart.signals == []
    assert analyse([]).median is None


def test_short_series_get_limits_but_no_signals():
    chart = analyse([1] * 4 + [9] * 4)
    assert (chart.useful, chart.longest_run, chart.longest_run_limit) == (8, 4, 6)
    assert not chart.enough_data
    assert chart.signals == []


def test_labels_must_match_the_values():
    with pytest.raises(ValueError):
        analyse([1, 2, 3], months(2))


def test_signals_are_stated_in_words(app):
    chart = analyse([1] * 10 + [5] + [9] * 10, months(21, date(2025, 3, 1)))
    with app.app_context(), force_locale("en"):
        assert [s.message for s in chart.signals] == [
            "unusually long run: 10 months below the median since March 2025",
            "unusually long run: 10 months above the median since February 2026",
            "unusually few crossings: 1, expected at least 6",
        ]
    first = analyse([1] * 10 + [9] * 10).signals[0]  # no labels: the point's number
    assert first.message == "unusually long run: 10 months below the median since #1"
