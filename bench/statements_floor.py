"""A third floor for intake: the app's own database and broker work, with no app around
it. The bare stack of bench/floor_app.py (Flask + SQLAlchemy Core + psycopg under the
same gunicorn) sends, per report, the statements a filed report costs the app
(tests/api/test_intake_cost.py pins them) as plain SQL, and pushes one message to Redis:

    the token's user with its memberships, by the token's hash;
    every row the input names, in one query;
    the year's case-number counter, UPDATE ... RETURNING;
    the report (the floor's row, numbered from the counter);
    its timeline line; its outbox row, unless one with its key exists;
    COMMIT, then one message of a Celery message's size to Redis.

No validation, no ORM objects, no JSON schema, no rules: what is left between this and
the app is the app's Python. Between this and the floor is the cost of the statements
themselves, which no code that keeps them can save.

    BENCH_FLOOR_DATABASE_URL=postgresql://... BENCH_FLOOR_REDIS_URL=redis://... \
        BENCH_FLOOR_QUEUE=some-list gunicorn -w 2 bench.statements_floor:app
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime

import redis
from flask import Flask, jsonify, request
from sqlalchemy import insert

from bench.floor_rows import bare_stack, floor_row

#: Where the messages go: a list of its own, emptied between the benchmark's turns.
QUEUE = os.environ["BENCH_FLOOR_QUEUE"]
MESSAGE_SIZE = 1_500  #: about what Celery puts on Redis for one reports.route task

TOKEN = """
SELECT users.id, users.username, users.full_name, users.email, users.password_hash,
       users.locale, users.is_active, users.is_admin, users.created_at, users.last_login_at,
       api_tokens.id, api_tokens.last_used_at, memberships.id, memberships.user_id,
       memberships.unit_id, memberships.role, memberships.created_at
FROM users JOIN api_tokens ON api_tokens.user_id = users.id
LEFT OUTER JOIN memberships ON memberships.user_id = users.id
WHERE api_tokens.token_hash = %(token_hash)s AND api_tokens.revoked_at IS NULL"""
CHOICES = """
SELECT units.*, receiver.*, receiving_unit.*, agreements.*, transitions.*, categories.*,
       unit_organization.*, phases.*
FROM units
LEFT OUTER JOIN organizations AS receiver ON receiver.id = %(receiver_id)s
LEFT OUTER JOIN units AS receiving_unit ON receiving_unit.id = %(receiving_unit_id)s
LEFT OUTER JOIN agreements ON agreements.id = %(agreement_id)s
LEFT OUTER JOIN transitions ON transitions.id = %(transition_id)s
LEFT OUTER JOIN categories ON categories.id = %(category_id)s
LEFT OUTER JOIN organizations AS unit_organization
    ON unit_organization.id = units.organization_id
LEFT OUTER JOIN phases ON phases.id = transitions.phase_id
WHERE units.id = %(unit_id)s"""
COUNTER = """
UPDATE case_number_counters SET last_value = last_value + 1 WHERE year = %(year)s
RETURNING last_value"""
EVENT = """
INSERT INTO report_events (report_id, actor_id, kind, text, data, created_at)
VALUES (%(report_id)s, %(actor_id)s, 'submitted', '', '{"status": "submitted"}', %(now)s)
RETURNING id"""
OUTBOX = """
INSERT INTO outbox_messages (task, payload, dedup_key, state, attempts, created_at,
                             available_at, dispatched_at)
SELECT 'reports.route', %(payload)s::JSON, %(key)s::VARCHAR, 'pending', 0,
       %(now)s::TIMESTAMPTZ, %(now)s::TIMESTAMPTZ, %(now)s::TIMESTAMPTZ
WHERE NOT EXISTS (SELECT * FROM outbox_messages WHERE dedup_key = %(key)s::VARCHAR)
RETURNING id"""

engine, reports, ORGANIZATION_OF = bare_stack()  # as bench/floor_app.py
broker = redis.Redis.from_url(os.environ["BENCH_FLOOR_REDIS_URL"])

app = Flask(__name__)


@app.get("/")
def index():
    return "statements floor"


@app.post("/api/v1/reports")
def create():
    body = request.get_json()
    token = request.headers.get("Authorization", "").partition(" ")[2]
    now = datetime.now(UTC)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        user = run(TOKEN, {"token_hash": hashlib.sha256(token.encode()).hexdigest()}).all()
        if not user:
            return jsonify({"message": "no such token"}), 401
        run(CHOICES, {"unit_id": body["reporting_unit_id"],
                      "receiver_id": body.get("receiving_organization_id") or 0,
                      "receiving_unit_id": body.get("receiving_unit_id") or 0,
                      "agreement_id": body.get("agreement_id") or 0,
                      "transition_id": body.get("transition_id") or 0,
                      "category_id": body.get("category_id") or 0}).one()
        number = run(COUNTER, {"year": now.year}).scalar_one()
        row = floor_row(body, ORGANIZATION_OF, user[0][0])
        row["case_number"] = f"FL-{now.year}-{number:05d}"
        new_id = connection.execute(insert(reports).returning(reports.c.id), row).scalar_one()
        run(EVENT, {"report_id": new_id, "actor_id": user[0][0], "now": now})
        run(OUTBOX, {"payload": json.dumps({"report_id": new_id}),
                     "key": f"route:{new_id}:1", "now": now})
    broker.lpush(QUEUE, json.dumps({"report_id": new_id}).ljust(MESSAGE_SIZE))
    return jsonify({"id": new_id, "case_number": row["case_number"], **body}), 201
