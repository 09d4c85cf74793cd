"""The floor for intake: the bare stack (Flask + SQLAlchemy + psycopg under the same
gunicorn) inserting one equivalent row into the same ``reports`` table, with no rules -
no token check, no validation, no case-number counter, no timeline, no outbox.

    BENCH_FLOOR_DATABASE_URL=postgresql://... BENCH_FLOOR_REPORTER_ID=1 \
        gunicorn -w 2 bench.floor_app:app
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request
from sqlalchemy import insert

from bench.floor_rows import bare_stack, floor_row

# The app copies the unit's organisation onto the row: so does the floor.
engine, reports, ORGANIZATION_OF = bare_stack()
REPORTER_ID = int(os.environ["BENCH_FLOOR_REPORTER_ID"])

app = Flask(__name__)


@app.get("/")
def index():
    return "floor"


@app.post("/api/v1/reports")
def create():
    body = request.get_json()
    row = floor_row(body, ORGANIZATION_OF, REPORTER_ID)
    with engine.begin() as connection:
        new_id = connection.execute(insert(reports).returning(reports.c.id), row).scalar_one()
    return jsonify({"id": new_id, "case_number": row["case_number"], **body}), 201
