"""The floor for intake: the bare stack (Flask + SQLAlchemy + psycopg under the same
gunicorn) inserting one equivalent row into the same ``reports`` table, with no rules -
no token check, no validation, no case-number counter, no timeline, no outbox.

    BENCH_FLOOR_DATABASE_URL=postgresql://... BENCH_FLOOR_REPORTER_ID=1 \
        gunicorn -w 2 bench.floor_app:app
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime

from flask import Flask, jsonify, request
from sqlalchemy import MetaData, Table, create_engine, insert, select

FIELDS = ("reporting_unit_id", "receiving_organization_id", "receiving_unit_id",
          "agreement_id", "transition_id", "category_id", "description",
          "immediate_measures", "suggestion", "consequence", "potential_consequence")

engine = create_engine(
    os.environ["BENCH_FLOOR_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1),
    pool_pre_ping=True)
reports = Table("reports", MetaData(), autoload_with=engine)
REPORTER_ID = int(os.environ["BENCH_FLOOR_REPORTER_ID"])
with engine.connect() as _conn:  # the app copies the unit's organisation onto the row
    _units = Table("units", MetaData(), autoload_with=_conn)
    ORGANIZATION_OF = dict(_conn.execute(select(_units.c.id, _units.c.organization_id)).all())
engine.dispose()  # gunicorn --preload forks after this; each worker opens its own

app = Flask(__name__)


@app.get("/")
def index():
    return "floor"


@app.post("/api/v1/reports")
def create():
    body = request.get_json()
    now = datetime.now(UTC)
    row = {name: body.get(name) for name in FIELDS}
    row.update(
        status="submitted", case_number=f"FL-{uuid.uuid4().hex[:16]}",
        reporter_id=REPORTER_ID,
        reporting_organization_id=ORGANIZATION_OF[body["reporting_unit_id"]],
        event_date=date.fromisoformat(body["event_date"]),
        discovered_date=date.fromisoformat(body["discovered_date"])
        if body.get("discovered_date") else None,
        immediate_measures=body.get("immediate_measures") or "",
        suggestion=body.get("suggestion") or "",
        created_at=now, updated_at=now, submitted_at=now, reopen_count=0,
        escalation_level=0, version=1)
    with engine.begin() as connection:
        new_id = connection.execute(insert(reports).returning(reports.c.id), row).scalar_one()
    return jsonify({"id": new_id, "case_number": row["case_number"], **body}), 201
