"""One page's questions to the database, each asked once.

A page shows several tables of one selection, and several of them count the same cases
in another way. A ``Batch`` resolves the viewer's scope and the filter once, and runs
each shared aggregate at most once, when a table first needs it:

- the cases per day and direction give the monthly and the yearly table;
- on PostgreSQL, every breakdown the batch shows comes from one statement with GROUPING
  SETS (avvik.stats.queries.breakdowns; SQLite: one GROUP BY each);
- escalations and feedback come from one statement;
- answer performance overall and per organisation come from one statement.

Each of them also gives the selection's total, which a page needs first (it says "no
cases" instead of empty tables): the total comes from whichever of them the page runs
anyway, else from a count of its own. A table built alone (the JSON API, a download) is
a batch of one and asks only its own questions. The yearly report narrows a batch of five
years to the year and to its last two: one count per day serves all three periods.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from avvik.stats import queries
from avvik.stats.filters import StatsFilter
from avvik.stats.queries import Dimension, Selection
from avvik.stats.queries.breakdowns import breakdown_counts, breakdown_rows
from avvik.stats.queries.counts import PeriodCounts, count_of, period_counts
from avvik.stats.queries.followup import FollowUp, follow_up
from avvik.stats.queries.performance import Tally, tallies_of
from avvik.stats.suppression import exact_for, shown_total
from avvik.users.models import User

#: The tables that are one breakdown each (avvik.stats.tables), by name.
BREAKDOWN_TABLES = {
    "by_agreement": Dimension.AGREEMENT,
    "by_transition": Dimension.TRANSITION,
    "by_category": Dimension.CATEGORY,
    "by_reporting_organization": Dimension.REPORTING_ORGANIZATION,
    "by_receiving_organization": Dimension.RECEIVING_ORGANIZATION,
    "by_unit": Dimension.UNIT,
    "by_consequence": Dimension.CONSEQUENCE,
    "by_potential_consequence": Dimension.POTENTIAL_CONSEQUENCE,
}
PERIOD_TABLES = frozenset({"per_month", "per_year"})
FOLLOW_UP_TABLES = frozenset({"escalations", "feedback"})


class Batch:
    """The aggregates of ``user``'s selection by ``filters`` for the tables ``names``."""

    def __init__(self, user: User, filters: StatsFilter, names: Iterable[str],
                 now: datetime | None = None, *, selection: Selection | None = None,
                 periods: PeriodCounts | None = None) -> None:
        self.user, self.filters, self.now = user, filters, now
        self.names = tuple(names)
        self._wanted = frozenset(self.names)
        self.selection = selection or queries.resolve(user, filters)
        self.dimensions = tuple(d for name, d in BREAKDOWN_TABLES.items()
                                if name in self._wanted)
        self._periods = periods
        self._follow_up: FollowUp | None = None
        self._performance: dict[int, Tally] | None = None
        self._breakdowns: dict[Dimension, queries.Counts] = {}
        self._total: int | None = None
        self._exact: bool | None = None

    def total(self) -> int:
        """How many cases the selection holds."""
        if self._total is None and self._wanted & PERIOD_TABLES:
            self._total = self.periods().total
        if self._total is None and len(self.dimensions) > 1:
            self._count_breakdowns()  # the total comes with them on PostgreSQL
        if self._total is None and self._wanted & FOLLOW_UP_TABLES:
            self._total = self.follow_up().total
        if self._total is None:
            self._total = count_of(self.selection)
        return self._total

    def exact(self) -> bool:
        """Whether the viewer may open every case of the selection: its small counts are
        then shown exactly (avvik.stats.suppression)."""
        if self._exact is None:
            self._exact = exact_for(self.user, self.selection, self.total())
        return self._exact

    def shown_total(self) -> int | str:
        """The selection's size as the viewer may see it ("<5" for 1 to 4 cases)."""
        return shown_total(self.total(), self.exact)

    def narrowed(self, filters: StatsFilter, names: Iterable[str]) -> Batch:
        """A batch for a period within this one's, the other filters the same: it shares
        the scope already resolved and the cases per day already counted (if any)."""
        start, end = filters.period_from, filters.period_to
        if replace(self.filters, period_from=start, period_to=end) != filters:
            raise ValueError(f"{filters} differs from {self.filters} in more than the period")
        selection = Selection(self.selection.shape, {
            **self.selection.params, "period_from": start, "period_to": end})
        periods = self._periods.within(filters) if self._periods is not None else None
        return Batch(self.user, filters, names, self.now, selection=selection,
                     periods=periods)

    def periods(self) -> PeriodCounts:
        if self._periods is None:
            self._periods = period_counts(self.selection, self.filters)
        return self._periods

    def breakdown(self, dimension: Dimension) -> list[queries.BreakdownRow]:
        if dimension not in self._breakdowns:
            self._count_breakdowns(dimension)
        return breakdown_rows(dimension, self._breakdowns[dimension])

    def follow_up(self) -> FollowUp:
        if self._follow_up is None:
            self._follow_up = follow_up(self.selection)
        return self._follow_up

    def performance(self) -> dict[int, Tally]:
        """Answer performance tallied per receiving organisation."""
        if self._performance is None:
            self._performance = tallies_of(self.selection)
        return self._performance

    def _count_breakdowns(self, wanted: Dimension | None = None) -> None:
        # Every breakdown of the batch at once (on PostgreSQL in one statement), or the
        # one asked for if the batch was not made for it.
        dimensions = (wanted,) if wanted and wanted not in self.dimensions else self.dimensions
        counts, total = breakdown_counts(self.selection, dimensions)
        self._breakdowns.update(counts)
        if total is not None:
            self._total = total
