"""The one rule for small counts, applied to every figure of a selection (README:
"Small counts").

A count from 1 to 4 is shown exactly only to a viewer who may open every case of the
selection (``exact_for``: administrators, and anyone whose readable cases,
avvik.reports.scope, cover the whole selection, such as a coordinator's own organisation).
For everyone else the whole selection is protected:

- primary: every count of 1 to 4 is hidden as "<5" (0 stays: it tells nothing);
- the selection's size is itself a count: 1 to 4 cases are "<5";
- secondary: where shown figures add up (a row to its total, a column to the selection
  or to a yearly figure, each year's months to that year, a part to its whole), a
  relation holding exactly one hidden figure would give it back by subtraction, so the
  next-smallest figure of it is hidden too, as ":" (it may be large: "<5" would be
  untrue); a part whose complement is 1 to 4 (answered 48 of 50) is hidden the same way;
- figures worked out from a hidden count (shares, medians, percentiles) are hidden with
  it; running (cumulative) shares are dropped once anything is hidden;
- rows of a table with anything hidden are in alphabetical order, never by true count.

Every table passes through ``protect`` in avvik.stats.tables, so pages, exports, the
yearly report and the API show the same protected figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, not_, select

from avvik.core.db import run
from avvik.reports.models import Report
from avvik.reports.scope import visible_condition
from avvik.stats.queries.base import Selection, condition
from avvik.users.models import User

THRESHOLD = 5
HIDDEN = "<5"  #: a count of 1 to 4
MASKED = ":"  #: hidden so that a "<5" beside it cannot be worked out
#: The whole of a part/whole pair that is the selection's size.
TOTAL = "__total__"

Cell = Any
Pos = tuple[int, str]


def is_small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD


def is_hidden(value: Any) -> bool:
    return value in (HIDDEN, MASKED)


def exact_for(viewer: User, chosen: Selection, total: int) -> bool:
    """Whether ``viewer`` may open every one of the ``total`` cases of ``chosen``."""
    if viewer.is_admin or total == 0:
        return True
    statement = (select(func.count()).select_from(Report)
                 .where(condition(chosen.shape), not_(visible_condition(viewer))))
    return int(run(statement, chosen.params).scalar_one()) == 0


def shown_total(total: int, exact: Callable[[], bool]) -> int | str:
    """The selection's size as it may be shown (``exact`` asked only for 1 to 4)."""
    return total if not is_small(total) or exact() else HIDDEN


@dataclass(frozen=True)
class Layout:
    """Which cells of a table are counts and how its figures hang together.

    Grid tables name columns; key-value tables (``keyed``) name the keys of their rows.
    """

    counts: tuple[str, ...]
    #: The count column that is the sum of the others in each row (per month: total).
    row_total: str | None = None
    #: Each count column adds up (over the rows) to a figure shown elsewhere.
    columns_add_up: bool = True
    #: The column of months (YYYY-MM): the months of each year add up to that year's
    #: row of the yearly table, so each year's months are a relation of their own (a
    #: column's one hidden month in each of two years would otherwise stand).
    months: str | None = None
    #: Figure -> the count it is worked out from (shares, medians, percentiles).
    derived: dict[str, str] = field(default_factory=dict)
    #: (part, whole): the part is counted among the whole (same row, or keys).
    parts: tuple[tuple[str, str], ...] = ()
    running: tuple[str, ...] = ()  #: cumulative columns
    keyed: bool = False  #: rows are [key, label, value]
    sort_by: str | None = "label"  #: the order once anything is hidden


def protect(rows: Sequence[Sequence[Cell]], keys: Sequence[str], layout: Layout | None,
            total: int, exact: Callable[[], bool]) -> list[list[Cell]]:
    """``rows`` (cells in the order of ``keys``) as a viewer may see them. ``exact`` is
    asked (a query) only when something would be hidden."""
    out = [list(row) for row in rows]
    if layout is None or not out:
        return out
    grid = _Grid([list(row) for row in rows], list(keys), layout, total)
    grid.hide()
    if grid.rows == out or exact():
        return out
    return grid.result()


class _Grid:
    def __init__(self, rows: list[list[Cell]], keys: list[str], layout: Layout, total: int):
        self.rows, self.layout, self.total = rows, layout, total
        self.col = {key: i for i, key in enumerate(keys)}
        if layout.keyed:  # one column "value"; a cell is (row of its key, "value")
            self.index = {row[self.col["key"]]: i for i, row in enumerate(rows)}
            self.pos: Callable[[int, str], Pos] = lambda _r, key: (self.index[key], "value")
        else:
            self.pos = lambda r, key: (r, key)

    def get(self, p: Pos) -> Cell:
        return self.rows[p[0]][self.col[p[1]]]

    def put(self, p: Pos, value: Cell) -> None:
        self.rows[p[0]][self.col[p[1]]] = value

    def _row_ids(self) -> range:
        return range(1) if self.layout.keyed else range(len(self.rows))

    def _has(self, key: str) -> bool:
        return key in self.index if self.layout.keyed else key in self.col

    def count_cells(self) -> list[Pos]:
        return [self.pos(r, k) for r in self._row_ids() for k in self.layout.counts
                if self._has(k)]

    def groups(self) -> list[tuple[list[Pos], Pos | None]]:
        """(members, their sum): None for a sum shown elsewhere."""
        lay, found = self.layout, []
        if lay.keyed:
            return found
        members = [k for k in lay.counts if k != lay.row_total and k in self.col]
        if lay.row_total:
            found += [([(r, k) for k in members], (r, lay.row_total))
                      for r in self._row_ids()]
        if lay.columns_add_up:
            found += [([(r, k) for r in rows], None) for rows in self._column_parts()
                      for k in lay.counts if k in self.col]
        return found

    def _column_parts(self) -> list[list[int]]:
        """The runs of rows whose counts add up to a figure shown elsewhere: all of them,
        or each year's months."""
        if self.layout.months is None:
            return [list(self._row_ids())]
        years: dict[str, list[int]] = {}
        for r in self._row_ids():
            years.setdefault(str(self.rows[r][self.col[self.layout.months]])[:4], []).append(r)
        return list(years.values())

    def hide(self) -> None:
        for p in self.count_cells():
            if is_small(self.get(p)):
                self.put(p, HIDDEN)
        changed = True
        while changed:
            changed = self._parts() or self._secondary()
        for r in self._row_ids():
            for figure, base in self.layout.derived.items():
                if self._has(figure) and self._has(base) and (
                        is_hidden(self.get(self.pos(r, base)))):
                    self.put(self.pos(r, figure), None)

    def _parts(self) -> bool:
        changed = False
        for r in self._row_ids():
            for part, whole in self.layout.parts:
                if not self._has(part) or not (whole == TOTAL or self._has(whole)):
                    continue
                p = self.pos(r, part)
                value = self.get(p)
                whole_value = self.total if whole == TOTAL else self.get(self.pos(r, whole))
                if (isinstance(value, int) and isinstance(whole_value, int)
                        and is_small(whole_value - value)):
                    self.put(p, MASKED)
                    changed = True
        return changed

    def _secondary(self) -> bool:
        for members, total in self.groups():
            cells = members + ([total] if total else [])
            if sum(is_hidden(self.get(p)) for p in cells) != 1:
                continue
            shown = [p for p in cells if isinstance(self.get(p), int) and self.get(p) > 0]
            if shown:
                self.put(min(shown, key=self.get), MASKED)
                return True
        return False

    def result(self) -> list[list[Cell]]:
        lay = self.layout
        if not any(is_hidden(self.get(p)) for p in self.count_cells()):
            return self.rows
        for key in lay.running:
            for row in self.rows:
                row[self.col[key]] = None
        if lay.sort_by and not lay.keyed and lay.sort_by in self.col:
            at = self.col[lay.sort_by]
            self.rows.sort(key=lambda row: str(row[at]).casefold())
        return self.rows
