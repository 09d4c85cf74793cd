"""How statements that run often are written (the statistics, the measures' evaluation):
prepared statements, run on the session's connection with ``avvik.core.db.run``.

The statements are built once (once per dialect, or once per shape of the selection; see
``avvik.stats.queries.base``) and run with their values as parameters, so SQLAlchemy
neither builds, hashes nor compiles them again. They run as Core statements: the ORM's
work per statement (entity loading, identity map) is for objects, and an aggregate's
rows are plain values. For the small queries of a page that work would cost more than
the database does (bench/dashboards.py compares each with its bare SQL).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    any_,
    bindparam,
    literal_column,
)
from sqlalchemy.types import ARRAY

from avvik.extensions import db


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def in_ids(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """``column`` is one of the ids given as the list parameter ``name``.

    PostgreSQL takes the list as one array parameter (``= ANY``). An IN list has one
    parameter per id, which SQLAlchemy writes into the SQL anew on every run; SQLite has
    no arrays, so it gets the IN list.
    """
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True))


def in_codes(column: ColumnElement[Any], codes: Iterable[enum.StrEnum], *,
             negate: bool = False) -> ColumnElement[bool]:
    """``column`` is (or with ``negate``, is not) one of these fixed codes, written into
    the SQL: they are the code's constants, not input, so they need no parameters (an IN
    list of parameters is rewritten into the SQL on every run), and the planner of a
    prepared statement sees which values they are."""
    values = []
    for code in codes:
        if not code.value.isidentifier():  # nothing that could need quoting
            raise ValueError(f"not a plain code: {code!r}")
        values.append(literal_column(f"'{code.value}'"))
    return column.not_in(values) if negate else column.in_(values)
