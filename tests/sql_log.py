"""The SQL statements the app's engine runs meanwhile, for tests that count them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from avvik.extensions import db

DATA_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE")


@contextmanager
def recorded_sql() -> Iterator[list[str]]:
    """Every statement sent through ``db.engine`` inside the block, as written."""
    seen: list[str] = []

    def record(_conn, _cursor, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def data_verbs(statements: list[str]) -> list[str]:
    """The verbs of the statements that read or write rows (not BEGIN, SAVEPOINT, ...)."""
    verbs = (statement.split(None, 1)[0].upper() for statement in statements)
    return [verb for verb in verbs if verb in DATA_VERBS]
