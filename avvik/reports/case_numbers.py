"""Case numbers SA-YYYY-NNNNN: unique and consecutive per year, also under concurrency.

The counter row of the year is incremented with one UPDATE, which locks the row until
the transaction ends; a second submitter waits for the first and gets the next number.
A rolled-back submission gives its number back with the rollback, so no gaps appear.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Result, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from avvik.extensions import db
from avvik.reports.models import CaseNumberCounter

PREFIX = "SA"


def format_case_number(year: int, sequence: int) -> str:
    return f"{PREFIX}-{year}-{sequence:05d}"


def allocate_case_number(year: int) -> str:
    """Take the next case number of ``year`` inside the caller's transaction.

    One statement for every submission but the year's first, which makes the row first.
    """
    sequence = _increment(year).scalar_one_or_none()
    if sequence is None:  # the year's first: make its row, then take from it
        _create_counter(year)
        sequence = _increment(year).scalar_one()
    return format_case_number(year, sequence)


def _increment(year: int) -> Result[Any]:
    table = CaseNumberCounter.__table__
    return db.session.execute(
        update(table)
        .where(table.c.year == year)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value)
    )


def _create_counter(year: int) -> None:
    # Two first submitters of a year may both get here: DO NOTHING lets the second wait
    # for the first's row (and its lock) instead of failing.
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(CaseNumberCounter.__table__)
        .values(year=year, last_value=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
