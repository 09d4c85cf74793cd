"""Writing many generated rows at once (the demo's measures, the benchmark's million
cases): COPY on PostgreSQL, where executemany sends a statement per row, some 35 µs
each; batched executemany on SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table, insert

#: Rows per executemany on SQLite.
CHUNK = 10_000


def insert_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """``rows`` into ``table``, in ``connection``'s transaction; every row has the same
    keys, the table's columns it gives."""
    if not rows:
        return
    if connection.dialect.name == "postgresql":
        columns = [column.key for column in table.columns if column.key in rows[0]]
        with connection.connection.driver_connection.cursor() as cursor:
            copy_rows(cursor, table.name, columns, rows)
        return
    # render_nulls keeps every row of a chunk in one executemany batch.
    statement = insert(table).execution_options(render_nulls=True)
    for start in range(0, len(rows), CHUNK):
        connection.execute(statement, rows[start:start + CHUNK])


def copy_rows(cursor: Any, table: str, columns: Sequence[str],
              rows: Iterable[dict[str, Any]]) -> None:
    """``rows`` (dicts with at least ``columns``) into ``table`` through a psycopg
    ``cursor``, in its connection's transaction."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_plain(row[column]) for column in columns])


def _plain(value: Any) -> Any:
    # What the column types would have made of the value: an enum's value (psycopg
    # itself would write its name), JSON as text.
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return json.dumps(value)
    return value
