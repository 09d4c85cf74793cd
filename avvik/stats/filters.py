"""The dashboard filter: parsed from the query string, so a view can be bookmarked and sent.

Query keys (every one optional; an empty value counts as absent, as a form's empty
select sends it): ``from`` and ``to`` (``YYYY-MM`` or ``YYYY-MM-DD``; a month means its
first day for ``from`` and its last day for ``to``), ``direction``, ``organization_id``,
``unit_id``, ``agreement_id``, ``transition_id``, ``category_id``, ``consequence``,
``potential_consequence``.
Without a period it is the last 24 months: the current month and the 23 before it.
The period selects cases by the date of the event (see avvik.stats.queries.base).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask_babel import lazy_gettext as _l

from avvik.catalog.models import Agreement, Category, Transition
from avvik.core.errors import ValidationFailed
from avvik.core.timeutil import add_months, oslo_today
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.reports.models import Consequence, Direction

E = TypeVar("E", Direction, Consequence)

DEFAULT_MONTHS = 24
#: Years outside this range are typing errors, and far years would overflow date arithmetic.
YEARS = range(1900, 2201)
MAX_YEARS = 20

#: Query key -> (the model whose row must exist, the message when it does not).
ID_FILTERS = {
    "organization_id": (Organization, _l("Unknown organisation.")),
    "unit_id": (Unit, _l("Unknown unit.")),
    "agreement_id": (Agreement, _l("Unknown agreement.")),
    "transition_id": (Transition, _l("Unknown transition.")),
    "category_id": (Category, _l("Unknown category.")),
}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class StatsFilter:
    """What the dashboard counts. Build it with :meth:`from_query` (validated)."""

    period_from: date  #: first day counted (inclusive)
    period_to: date  #: last day counted (inclusive)
    direction: Direction | None = None
    organization_id: int | None = None  #: either side: reporting or receiving
    unit_id: int | None = None  #: the unit's subtree, as reporting or responsible unit
    agreement_id: int | None = None
    transition_id: int | None = None
    category_id: int | None = None
    consequence: Consequence | None = None  #: the actual consequence
    #: The worst credible consequence, as the reporter judged it.
    potential_consequence: Consequence | None = None

    @classmethod
    def from_query(cls, args: Mapping[str, Any], *, today: date | None = None) -> StatsFilter:
        """Parse and check a query-string mapping (``request.args`` or a dict).

        Raises ValidationFailed([(query key, reason)]) listing every problem at once.
        """
        return parse_filter(args, today=today)

    def to_query(self) -> str:
        """The URL query string that :meth:`from_query` turns back into this filter."""
        return urlencode(self.to_dict())

    def to_dict(self) -> dict[str, str]:
        """The filter as query parameters (strings), for links, forms and the API."""
        return dict(_as_dict(self))  # a copy: the cached one is shared


@lru_cache(maxsize=64)
def _as_dict(filters: StatsFilter) -> dict[str, str]:
    # Cached: every table of a page carries its filter (a frozen, hashable value).
    out = {"from": _format_from(filters.period_from), "to": _format_to(filters.period_to)}
    for item in fields(filters):
        value = getattr(filters, item.name)
        if item.name.startswith("period_") or value is None:
            continue
        out[item.name] = str(value)
    return out


def default_period(today: date | None = None) -> tuple[date, date]:
    """The current month (Oslo) and the 23 before it."""
    today = today or oslo_today()
    return add_months(today.replace(day=1), 1 - DEFAULT_MONTHS), _month_end(today)


def parse_filter(args: Mapping[str, Any], *, today: date | None = None) -> StatsFilter:
    """See :meth:`StatsFilter.from_query`."""
    errors: list[tuple[str, str]] = []
    raw = {key: _text(args.get(key)) for key in
           ("from", "to", "direction", "consequence", "potential_consequence", *ID_FILTERS)}
    start = _parse_date(raw["from"], "from", errors)
    end = _parse_date(raw["to"], "to", errors)
    default_start, default_end = default_period(today)
    if start is None and end is not None and raw["from"] is None:
        start = add_months(end.replace(day=1), 1 - DEFAULT_MONTHS)
    start = start or default_start
    end = end or default_end
    if raw["from"] is not None and raw["to"] is None and start > end:
        end = _month_end(add_months(start.replace(day=1), DEFAULT_MONTHS - 1))
    # Blame the end the user gave; "from" alone can only be wrong by itself. A date that
    # could not be read is reported alone, not compared with a default it never meant.
    period_key = "to" if raw["to"] is not None else "from"
    if errors:
        pass
    elif end < start:
        errors.append((period_key, str(_l("The period ends before it starts."))))
    elif end >= _add_years(start, MAX_YEARS):
        errors.append((period_key, str(_l("The period may be at most %(years)d years.",
                                    years=MAX_YEARS))))
    direction = _parse_enum(raw["direction"], Direction, "direction", errors,
                            _l("Unknown direction."))
    consequence = _parse_enum(raw["consequence"], Consequence, "consequence", errors,
                              _l("Unknown consequence."))
    potential = _parse_enum(raw["potential_consequence"], Consequence,
                            "potential_consequence", errors, _l("Unknown consequence."))
    ids = {key: _parse_id(raw[key], key, errors) for key in ID_FILTERS}
    if errors:
        raise ValidationFailed(errors)
    return StatsFilter(start, end, direction=direction, consequence=consequence,
                       potential_consequence=potential, **ids)


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _parse_date(text: str | None, key: str, errors: list[tuple[str, str]]) -> date | None:
    if text is None:
        return None
    match = _MONTH.match(text) or _DAY.match(text)
    if match and int(match[1]) not in YEARS:
        errors.append((key, str(_l("Give a year between %(first)d and %(last)d.",
                                   first=YEARS[0], last=YEARS[-1]))))
        return None
    try:
        if match and match.re is _MONTH:
            first = date(int(match[1]), int(match[2]), 1)
            return first if key == "from" else _month_end(first)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass  # 2026-13 or 2026-02-30: the same message as any other bad date
    errors.append((key, str(_l("Give a month as YYYY-MM or a day as YYYY-MM-DD."))))
    return None


def _parse_enum(text: str | None, kind: type[E], key: str, errors: list[tuple[str, str]],
                message: object) -> E | None:
    if text is None:
        return None
    try:
        return kind(text)
    except ValueError:
        errors.append((key, str(message)))
        return None


def _parse_id(text: str | None, key: str, errors: list[tuple[str, str]]) -> int | None:
    if text is None:
        return None
    model, message = ID_FILTERS[key]
    # Bounded so that a huge number is "unknown", not a database overflow error (a 500).
    # ASCII only: "²" is a digit to str.isdigit() but not to int() (a 500 otherwise).
    if not (text.isascii() and text.isdigit()) or len(text) > 9 \
            or db.session.get(model, int(text)) is None:
        errors.append((key, str(message)))
        return None
    return int(text)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return date(day.year + years, 3, 1)


def _format_from(day: date) -> str:
    return f"{day:%Y-%m}" if day.day == 1 else day.isoformat()


def _format_to(day: date) -> str:
    return f"{day:%Y-%m}" if day == _month_end(day) else day.isoformat()
