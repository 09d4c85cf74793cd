"""A second floor for intake: the floor's one INSERT (bench/floor_rows.py), served by
Avvik's own app - its extensions, request hooks, session and after-request ring - so
that the intake figure splits into what the app's stack costs and what its rules cost.

    gunicorn -w 2 --preload bench.stack_floor:app    (with the app's AVVIK_* settings)

Only the benchmark imports this module: it opens one sessionless route on the app.
"""

from __future__ import annotations

import os

from flask import jsonify, request
from sqlalchemy import insert, select

import avvik.auth.login
from avvik.extensions import csrf, db
from avvik.organizations.models import Unit
from avvik.reports.models import Report
from avvik.wsgi import app
from bench.floor_rows import floor_row

ENDPOINT = "bench_stack_floor"
REPORTER_ID = int(os.environ["BENCH_FLOOR_REPORTER_ID"])
with app.app_context():
    ORGANIZATION_OF = dict(db.session.execute(select(Unit.id, Unit.organization_id)).all())
    db.session.remove()
    db.engine.dispose()  # gunicorn --preload forks after this; each worker opens its own
reports = Report.__table__


@csrf.exempt
def create():
    body = request.get_json()
    row = floor_row(body, ORGANIZATION_OF, REPORTER_ID)
    new_id = db.session.execute(insert(reports).returning(reports.c.id), row).scalar_one()
    db.session.commit()
    return jsonify({"id": new_id, "case_number": row["case_number"], **body}), 201


# Like the API's own routes, this one needs no sign-in session (it checks no token).
avvik.auth.login.PUBLIC_ENDPOINTS |= {ENDPOINT}
app.add_url_rule("/bench/stack-floor/api/v1/reports", ENDPOINT, create, methods=["POST"])
