"""One page of a scoped selection of reports, fast over a million of them.

Counting every match of a broad view (a coordinator's million cases) costs more than the
page, so a list counts exactly only up to ``COUNT_CAP`` matches past the page's start.

The sort keys (created, submitted, case number, event date, answer deadline) all follow
time, and so do the most used filters (open, overdue, a period). PostgreSQL's planner does
not know that: asked for "the open cases, oldest first", it walks the case-number index
from 2016 on, expecting an open case every few hundred rows, and reads a million (1.3 s).
So a page is read the first of these ways that works, each bounded but the last:

1. the first matches, in no order, up to the cap: if that is all of them, they are sorted
   and paged (the count is then exact);
2. the sort index walked only over its first rows (10 per row wanted, at least 5,000, at
   most 25,000): enough where the matches are dense near the start of the order;
3. every match, up to ``SORT_CAP``, sorted: where they cluster away from the start;
4. only then the index walk, for a selection that is both huge and sparse near the start.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import joinedload

from avvik.extensions import db
from avvik.reports.models import Report

#: Lists count their matches exactly up to this many past the page's start, then say
#: "more than". Reading and sorting that many ids takes a few milliseconds.
COUNT_CAP = 1000
#: A selection this small is sorted whole when the index walk finds too few rows early.
SORT_CAP = 20_000
#: The bounded walk's depth: 10 index rows per row wanted, within these limits.
WALK_MIN, WALK_MAX = 5_000, 25_000

#: What a list shows of a case beyond its columns: loaded with the page's rows, one
#: statement (a round trip costs more than these joins to small tables by primary key).
LIST_LOADS = (joinedload(Report.agreement), joinedload(Report.category),
               joinedload(Report.transition), joinedload(Report.responsible_unit),
               joinedload(Report.reporting_unit), joinedload(Report.receiving_organization))


@dataclass
class Page:
    """One page of a list. ``total`` is exact up to a cap, then "more than ``total``"."""

    items: list[Report]
    total: int  #: the number of matches if ``total_is_exact``, else "more than ``total``"
    page: int
    per_page: int
    has_next: bool
    total_is_exact: bool = True

    @property
    def pages(self) -> int | None:
        """The number of pages, or None while the total is not known exactly."""
        return max(1, math.ceil(self.total / self.per_page)) if self.total_is_exact else None

    @property
    def known_pages(self) -> int:
        """The last page known to exist: all of them when the total is exact."""
        counted = self.total if self.total_is_exact else self.total + 1
        return max(1, math.ceil(counted / self.per_page), self.page + self.has_next)

    def page_numbers(self, around: int = 2) -> list[int | None]:
        """The pages to link, None for a gap: the first, those around this one, the last
        when the total is exact, and a trailing gap when more pages were not counted."""
        last = self.known_pages
        shown = {1, *range(max(1, self.page - around), min(last, self.page + around) + 1)}
        if self.total_is_exact:
            shown.add(last)
        numbers: list[int | None] = []
        previous = 0
        for number in sorted(shown):
            if number > previous + 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        if not self.total_is_exact:
            numbers.append(None)
        return numbers


@dataclass(frozen=True)
class Order:
    """ORDER BY a column of reports, then id; a missing value (no deadline yet, a draft's
    case number) comes last either way. PostgreSQL's index on the column holds missing
    values at one end, so a page is walked in two parts: the rows with a value (the index
    in either direction), then those without (by id)."""

    column: str
    descending: bool

    @property
    def key(self) -> ColumnElement[Any]:
        return Report.__table__.c[self.column]

    def by(self, key: ColumnElement[Any], id_: ColumnElement[Any]) -> list[ColumnElement[Any]]:
        """The order itself, for a sort of rows in hand."""
        first = key.desc() if self.descending else key.asc()
        return [first.nulls_last() if self.nullable else first,
                id_.desc() if self.descending else id_.asc()]

    def walk_by(self) -> list[ColumnElement[Any]]:
        """The same order within one part, as the index gives it."""
        return [self.key.desc() if self.descending else self.key.asc(),
                Report.id.desc() if self.descending else Report.id.asc()]

    def parts(self, bound: Any = None) -> list[ColumnElement[bool]]:
        """The parts to walk, in order: every row, or (given a value ``bound``) the rows
        whose value comes no later than ``bound``."""
        if bound is not None:
            return [self.key >= bound if self.descending else self.key <= bound]
        return [self.key.is_not(None), self.key.is_(None)] if self.nullable else [true()]

    @property
    def nullable(self) -> bool:
        return bool(Report.__table__.c[self.column].nullable)


def page_of(query: Select, order: Order, page: int, per_page: int,
            count_cap: int | None = None) -> Page:
    """Page ``page`` of the reports ``query`` selects (it carries the user's scope)."""
    offset = (page - 1) * per_page
    limit = offset + (COUNT_CAP if count_cap is None else count_cap)
    ids, total = _first_matches(query, order, limit, offset, per_page)
    if total <= limit:
        return Page(_load(ids), total, page, per_page, offset + per_page < total)
    ids = _large_page(query, order, offset, per_page)
    return Page(_load(ids[:per_page]), limit, page, per_page, len(ids) > per_page,
                total_is_exact=False)


def _first_matches(query: Select, order: Order, limit: int, offset: int, count: int
                   ) -> tuple[list[int], int]:
    """Up to ``limit + 1`` matches, in no order: how many, and the ids of ``count`` of them
    from ``offset`` on once sorted. One statement; MATERIALIZED keeps PostgreSQL from
    folding the LIMIT-ed scan into the sort."""
    first = (query.with_only_columns(Report.id, order.key.label("key")).order_by(None)
             .limit(limit + 1).cte("first_matches").prefix_with("MATERIALIZED",
                                                                dialect="postgresql"))
    counted = select(func.count()).select_from(first).scalar_subquery()
    rows = db.session.execute(select(first.c.id, counted).order_by(
        *order.by(first.c.key, first.c.id)).offset(offset).limit(count)).all()
    if rows:
        return [row[0] for row in rows], rows[0][1]
    if not offset:
        return [], 0  # nothing matches
    # The page is past the end of the list: count how far the list goes.
    return [], db.session.execute(select(func.count()).select_from(
        query.with_only_columns(Report.id).order_by(None).limit(limit + 1).subquery())
    ).scalar_one()


def _large_page(query: Select, order: Order, offset: int, per_page: int) -> list[int]:
    """The ids of ``per_page + 1`` rows from ``offset`` of a selection known to be large."""
    wanted = offset + per_page + 1
    depth = min(max(10 * wanted, WALK_MIN), WALK_MAX)
    bound = db.session.execute(select(order.key).where(order.key.is_not(None))
                               .order_by(*order.walk_by()[:1]).offset(depth - 1).limit(1)
                               ).scalar()
    if bound is not None:  # else fewer than ``depth`` rows have a value at all
        ids = _walk(query, order, order.parts(bound), wanted)
        if len(ids) >= wanted:
            return ids[offset:]
    ids, total = _first_matches(query, order, SORT_CAP, offset, per_page + 1)
    if total <= SORT_CAP:
        return ids
    return _walk(query, order, order.parts(), wanted)[offset:]


def _walk(query: Select, order: Order, parts: list[ColumnElement[bool]], limit: int
          ) -> list[int]:
    """The ids of the first ``limit`` rows of ``parts``, each read in its index's order."""
    ids: list[int] = []
    for part in parts:
        if len(ids) < limit:
            ids += db.session.execute(query.with_only_columns(Report.id).where(part)
                                      .order_by(*order.walk_by()).limit(limit - len(ids))
                                      ).scalars()
    return ids


def _load(ids: list[int]) -> list[Report]:
    """The reports with these ids, in this order, with what a list shows of them."""
    if not ids:
        return []
    found = {r.id: r for r in db.session.execute(
        select(Report).where(Report.id.in_(ids)).options(*LIST_LOADS)).unique().scalars()}
    return [found[i] for i in ids]
