"""The one row the intake floors insert for a POST /api/v1/reports body: the body's
fields as given, plus what the table requires. No rules at all."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, MetaData, Table, create_engine, select

FIELDS = ("reporting_unit_id", "receiving_organization_id", "receiving_unit_id",
          "agreement_id", "transition_id", "category_id", "description",
          "immediate_measures", "suggestion", "consequence", "potential_consequence")


def floor_row(body: dict[str, Any], organization_of: dict[int, int],
              reporter_id: int) -> dict[str, Any]:
    """The row; ``organization_of`` maps a unit to its organisation (the app copies the
    unit's organisation onto the case). Case numbers "FL-..." mark the floor's rows."""
    now = datetime.now(UTC)
    row = {name: body.get(name) for name in FIELDS}
    row.update(
        status="submitted", case_number=f"FL-{uuid.uuid4().hex[:16]}",
        reporter_id=reporter_id,
        reporting_organization_id=organization_of[body["reporting_unit_id"]],
        event_date=date.fromisoformat(body["event_date"]),
        discovered_date=date.fromisoformat(body["discovered_date"])
        if body.get("discovered_date") else None,
        immediate_measures=body.get("immediate_measures") or "",
        suggestion=body.get("suggestion") or "",
        created_at=now, updated_at=now, submitted_at=now, reopen_count=0,
        escalation_level=0, version=1)
    return row


def bare_stack() -> tuple[Engine, Table, dict[int, int]]:
    """What the bare-stack floors run on: an engine on BENCH_FLOOR_DATABASE_URL (psycopg,
    pool ping, as the app's), the ``reports`` table as the database has it, and the
    map of units to their organisations for ``floor_row``."""
    engine = create_engine(os.environ["BENCH_FLOOR_DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg://", 1), pool_pre_ping=True)
    reports = Table("reports", MetaData(), autoload_with=engine)
    with engine.connect() as connection:
        units = Table("units", MetaData(), autoload_with=connection)
        organization_of = dict(connection.execute(
            select(units.c.id, units.c.organization_id)).all())
    engine.dispose()  # gunicorn --preload forks after this; each worker opens its own
    return engine, reports, organization_of
