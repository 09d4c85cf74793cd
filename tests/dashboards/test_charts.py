"""The charts' specs: the tables' numbers, hidden counts drawn as nothing, signals marked."""

from __future__ import annotations

from datetime import date

from avvik.dashboards import charts
from avvik.stats.anhoej import analyse
from avvik.stats.tables import Column, Table


def _breakdown(rows: list[list[object]]) -> Table:
    columns = [Column("key", "Id"), Column("label", "Name"), Column("count", "Cases"),
               Column("share", "Share"), Column("cumulative_share", "Cumulative share")]
    return Table("by_unit", "Cases per responsible unit", columns, rows, suppressed=True)


def test_hidden_counts_are_drawn_as_nothing():
    spec = charts.chart_for(_breakdown([[1, "Sengepost", 12, 0.8, None],
                                        [2, "Poliklinikk", "<5", None, None]]))
    assert spec["kind"] == "bar" and spec["horizontal"]
    assert spec["labels"] == ["Sengepost", "Poliklinikk"]
    assert spec["datasets"] == [{"label": "Cases", "data": [12, None], "role": "value",
                                 "key": "count"}]


def test_a_long_table_draws_its_first_rows_and_says_how_many_more():
    rows = [[n, f"Enhet {n}", 100 - n, None, None] for n in range(25)]
    spec = charts.chart_for(_breakdown(rows))
    assert len(spec["labels"]) == charts.MAX_BARS and spec["more"] == 5


def test_an_empty_table_or_key_figures_have_no_chart():
    assert charts.chart_for(_breakdown([])) is None
    figures = Table("feedback", "Feedback", [Column("key", "Key")], [["closed"]])
    assert charts.chart_for(figures) is None


def test_the_run_chart_marks_the_points_of_a_long_run_and_draws_the_median(app):
    # Median 4.5: seven points below, eight above (longer than the limit of 7), one below.
    values = [1, 4, 1, 4, 1, 4, 1] + [5] * 8 + [1]
    months = [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(len(values))]
    with app.test_request_context():
        spec = charts.run_chart(analyse(values, months), [f"{m:%Y-%m}" for m in months])
    assert spec["kind"] == "run"
    assert spec["datasets"][1]["data"] == [4.5] * 16  # the median, as a flat line
    assert spec["marked"] == [False] * 7 + [True] * 8 + [False]
