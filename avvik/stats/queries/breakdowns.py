"""Cases broken down by one dimension, largest first, with the running (Pareto) share.

Counts come from one GROUP BY on the case table; the names of the rows found come from
a second small query (a join inside the GROUP BY would make the database group wider
rows for nothing).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select

from avvik.extensions import db
from avvik.reports.labels import consequence_label
from avvik.reports.models import Consequence, Report
from avvik.stats.filters import StatsFilter
from avvik.stats.queries import names
from avvik.stats.queries.base import selection, share
from avvik.users.models import User


class Dimension(enum.StrEnum):
    AGREEMENT = "agreement"
    TRANSITION = "transition"
    CATEGORY = "category"
    REPORTING_ORGANIZATION = "reporting_organization"
    RECEIVING_ORGANIZATION = "receiving_organization"
    #: The responsible unit (the one that must answer), on the receiving side.
    UNIT = "unit"
    #: The actual consequence; its rows keep the scale's order instead of the count's.
    CONSEQUENCE = "consequence"


#: Dimensions whose every row is about one organisation: suppress_small applies.
SPLIT_BY_ORGANIZATION = frozenset(
    {Dimension.REPORTING_ORGANIZATION, Dimension.RECEIVING_ORGANIZATION, Dimension.UNIT})


@dataclass(frozen=True)
class BreakdownRow:
    key: int | str | None  #: the row's id (or enum value); None for "no unit"
    label: str
    #: The number of cases; the string "<5" once suppress_small has hidden it.
    count: int | str
    share: float | None  #: of all cases in the selection; None when hidden
    cumulative_share: float | None  #: this row and every row above it (Pareto line)
    #: The organisation the row is about (suppression), for organisation and unit rows.
    organization_id: int | None = None


def breakdown(user: User, filters: StatsFilter, dimension: Dimension) -> list[BreakdownRow]:
    """The selection's cases per value of ``dimension``.

    Rows with cases only, sorted by count (largest first, then by label), except the
    consequence, which lists every level of the scale in its order, zeros included.
    """
    if dimension == Dimension.CONSEQUENCE:
        counts = _counts(user, filters, Report.consequence)
        found = {Consequence(k): n for (k,), n in counts.items() if k is not None}
        items = [(c.value, consequence_label(c), found.get(c, 0), None) for c in Consequence]
        return _with_shares(items)
    if dimension == Dimension.UNIT:
        return _with_shares(_sorted(_unit_items(user, filters)))
    column, labels = _SIMPLE[dimension]
    counts = {key: n for (key,), n in _counts(user, filters, column).items()}
    names = labels(set(counts))
    is_org = dimension in SPLIT_BY_ORGANIZATION
    items = [(key, names.get(key, str(key)), n, key if is_org else None)
             for key, n in counts.items()]
    return _with_shares(_sorted(items))


def pareto(user: User, filters: StatsFilter) -> list[BreakdownRow]:
    """The categories, largest first, with the cumulative share for the Pareto line."""
    return breakdown(user, filters, Dimension.CATEGORY)


def _counts(user: User, filters: StatsFilter, *columns: ColumnElement
            ) -> dict[tuple, int]:
    rows = db.session.execute(
        select(*columns, func.count()).select_from(Report)
        .where(selection(user, filters)).group_by(*columns)
    ).all()
    return {tuple(row[:-1]): row[-1] for row in rows}


def _unit_items(user: User, filters: StatsFilter) -> list[tuple]:
    # Grouped with the receiving organisation too, so that the cases without a unit (with
    # the coordinators, or not routed yet) make one row per organisation, never a row
    # that mixes organisations.
    counts = _counts(user, filters, Report.responsible_unit_id,
                     Report.receiving_organization_id)
    labels = names.unit_labels(set(counts))
    return [(unit, labels[(unit, org)], n, org) for (unit, org), n in counts.items()]


def _sorted(items: Iterable[tuple]) -> list[tuple]:
    return sorted(items, key=lambda item: (-item[2], item[1]))


def _with_shares(items: list[tuple]) -> list[BreakdownRow]:
    total = sum(item[2] for item in items)
    rows, running = [], 0
    for key, label, count, organization_id in items:
        running += count
        rows.append(BreakdownRow(key, label, count, share(count, total),
                                 share(running, total), organization_id))
    return rows


_SIMPLE: dict[Dimension, tuple[ColumnElement, Callable[[set], dict]]] = {
    Dimension.AGREEMENT: (Report.agreement_id, names.agreement_names),
    Dimension.TRANSITION: (Report.transition_id, names.transition_names),
    Dimension.CATEGORY: (Report.category_id, names.category_names),
    Dimension.REPORTING_ORGANIZATION: (Report.reporting_organization_id, names.organization_names),
    Dimension.RECEIVING_ORGANIZATION: (Report.receiving_organization_id, names.organization_names),
}
