"""Database plumbing shared by every feature: column types, engine settings, and Core
statements in the session's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, DateTime, Executable, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from avvik.core.timeutil import as_utc
from avvik.extensions import db


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return as_utc(value) if dialect.name != "sqlite" else as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL for a web process and a worker side by side, real SAVEPOINTs.

    pysqlite's own transaction handling breaks SAVEPOINT; the SQLAlchemy docs' recipe
    turns it off and emits BEGIN ourselves. The busy timeout is an engine option
    (config.py), beside PostgreSQL's timeouts.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE takes the write lock up front, so two writers wait for each other
        # instead of failing with "database is locked" half-way through.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def run(statement: Executable, params: Mapping[str, Any]) -> CursorResult[Any]:
    """``statement`` with ``params`` on the session's connection and in its transaction.

    For statements whose rows are plain values (ids, counts): ``Session.execute`` adds
    the ORM's work per statement (compile state, result wrapping), which costs a small
    query about as much as the database does. Changes pending in the session are
    flushed first, as the ORM's autoflush would, so that what the same request has just
    written is seen.
    """
    session = db.session()
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, params)
