"""Row ids from the outside world: URLs, query strings and form fields.

Keys are 32-bit integers. A larger number is no row: it must be a 404 or a form error,
never a database error (PostgreSQL refuses it as out of range, SQLite cannot bind a
number past 64 bits), whichever route or parameter it arrives by.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

#: The largest id a row can have (the tables' INTEGER keys).
MAX_ROW_ID = 2**31 - 1
#: The furthest page a list may be asked for (its OFFSET stays a small number).
MAX_PAGE = 1_000_000


class RowIdConverter(IntegerConverter):
    """``<int:...>`` that matches only numbers a row id can be: anything larger is a 404."""

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = MAX_ROW_ID, signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits, min, max, signed)


def init_row_ids(app: Flask) -> None:
    """Every ``<int:...>`` in the app's routes is a row id (or a small number). Set
    before the blueprints add their rules, which look their converter up then."""
    app.url_map.converters["int"] = RowIdConverter


def row_id(value: Any) -> int:
    """A query-string id (``request.args.get(..., type=row_id)``): a ValueError, and so
    the default, for anything that cannot be a row's id."""
    number = int(value)
    if not 0 < number <= MAX_ROW_ID:
        raise ValueError(f"not a row id: {value!r}")
    return number


def row_id_or_none(value: Any) -> int | None:
    """A select's value: "" means none; anything else must be a row id (a form error
    otherwise, through WTForms' coerce)."""
    if value in ("", None):
        return None
    return row_id(value)


def page_number(value: Any) -> int:
    """A ``page`` query parameter: 1 up to ``MAX_PAGE``; anything else is a ValueError."""
    number = int(value)
    if not 0 < number <= MAX_PAGE:
        raise ValueError(f"not a page number: {value!r}")
    return number
