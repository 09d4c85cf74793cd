"""Small counts hidden where a split by organisation or unit could point at a person.

Rows about an organisation the viewer does not belong to show counts of 1 to 4 as "<5"
(0 stays: it tells nothing about anyone). The viewer's own organisations' rows, and
everything for administrators, are shown exactly. A hidden count also hides its shares:
a share times the total would give the count back. Pages should not print an exact
total beside hidden rows (``any_suppressed`` tells them); the total of all cases is
shown elsewhere and is not split.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, TypeVar

from avvik.stats.scope import own_organizations
from avvik.users.models import User

THRESHOLD = 5
HIDDEN = "<5"
#: Fields that are counts, and fields derived from a count, when a row class has them.
COUNT_FIELDS = ("count", "open", "overdue")
SHARE_FIELDS = ("share", "cumulative_share")

R = TypeVar("R")


def is_small(value: Any) -> bool:
    return isinstance(value, int) and 0 < value < THRESHOLD


def suppress_small(rows: Sequence[R], viewer: User) -> list[R]:
    """Copies of ``rows`` with the small counts of other organisations' rows as "<5".

    Rows are dataclasses with an ``organization_id`` and count fields named in
    COUNT_FIELDS (BreakdownRow, UnitLoad, ...). A row without an organisation (a mixed
    row) is treated as another organisation's. Once any row is hidden, every row's
    cumulative share is dropped: the running sum would give the hidden count away.
    """
    if viewer.is_admin:
        return list(rows)
    own = own_organizations(viewer)
    out = [_suppressed(row, own) for row in rows]
    if any_suppressed(out):
        out = [_without(row, "cumulative_share") for row in out]
    return out


def any_suppressed(rows: Sequence[Any]) -> bool:
    return any(getattr(row, name, None) == HIDDEN for row in rows for name in COUNT_FIELDS)


def _suppressed(row: R, own: frozenset[int]) -> R:
    if getattr(row, "organization_id", None) in own:
        return row
    names = {f.name for f in dataclasses.fields(row)}  # type: ignore[arg-type]
    small = [name for name in COUNT_FIELDS if name in names and is_small(getattr(row, name))]
    if not small:
        return row
    changes: dict[str, Any] = dict.fromkeys(small, HIDDEN)
    if "count" in small:
        changes.update({name: None for name in SHARE_FIELDS if name in names})
    return dataclasses.replace(row, **changes)  # type: ignore[type-var]


def _without(row: R, name: str) -> R:
    if name not in {f.name for f in dataclasses.fields(row)}:  # type: ignore[arg-type]
        return row
    return dataclasses.replace(row, **{name: None})  # type: ignore[type-var]
