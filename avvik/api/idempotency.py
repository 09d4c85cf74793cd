"""``Idempotency-Key`` on the API's POSTs: a request sent again is answered, not redone.

A client that did not hear back (a timeout, a dropped connection) sends the request
again with the same key and gets the first one's status and case, instead of a second
case or a second step. The same key on another request (another body or URL) is refused
with 422. Keys belong to the token's user and are kept at least ``RETENTION``; a daily
task deletes older ones (workers/api.py).

The key's row is written in the transaction of the work and committed with it, so it
exists exactly when the work does: a request that failed leaves no key, and may be sent
again with it. Two requests with one key at the same moment both start; the later one is
stopped by the unique index on the key (its INSERT waits for the first transaction and
fails once that commits) or sooner by what the first changed (the case's version or
state), rolls back, and answers with the first one's result.

A retry answers with the case as it is now, not a copy of the first answer: no text of
a case is kept twice, and what it shows is current.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields
from marshmallow.validate import Length, Regexp
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from avvik.api.auth import api_user, commit_keeping_loaded
from avvik.api.blueprint import bp
from avvik.api.models import IdempotencyKey
from avvik.core.errors import IllegalTransition
from avvik.core.timeutil import utcnow
from avvik.extensions import db
from avvik.reports.models import Report

HEADER = "Idempotency-Key"
#: How long a key is honoured at least; the purge runs daily, so at most a day longer.
RETENTION = timedelta(hours=24)
#: What a request that lost the race to its twin fails with, before it answers as the twin.
RACE_ERRORS = (IntegrityError, StaleDataError, IllegalTransition)


class IdempotencyKeyHeader(Schema):
    key = fields.String(
        data_key=HEADER,
        validate=[Length(min=1, max=255), Regexp(r"^[\x20-\x7e]+$")],
        metadata={"description": (
            "Optional. A key of your choosing (a UUID, say) that makes sending the request "
            "again safe: within 24 hours the same key with the same request (method, path "
            "and JSON body) is answered with the first request's status and case, as the "
            "case is now, and nothing is done twice (the answer then carries "
            "`Idempotent-Replayed: true`); two sent at the same moment act once. The same "
            "key with another request is refused with 422. Keys are per user; at most 255 "
            "printable ASCII characters.")})


def fingerprint() -> str:
    """SHA-256 of the request's method, path and JSON body (its keys in sorted order)."""
    body = request.get_json(silent=True)
    payload = (request.get_data() if body is None else
               json.dumps(body, sort_keys=True, separators=(",", ":")).encode())
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), payload):
        digest.update(len(part).to_bytes(8, "big") + part)  # lengths: no two parts blur
    return digest.hexdigest()


def find_key(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.scalars(select(IdempotencyKey).where(
        IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)).first()


def record_key(user_id: int, key: str, print_: str, status: int, report_id: int, *,
               now: datetime | None = None) -> None:
    """Write the key in the caller's transaction; IntegrityError if it is taken."""
    db.session.execute(insert(IdempotencyKey.__table__).values(
        user_id=user_id, key=key, fingerprint=print_, response_status=status,
        report_id=report_id, created_at=now or utcnow()))


def purge_expired_keys(*, now: datetime | None = None) -> int:
    """Delete the keys older than ``RETENTION``; returns how many. Flushes, never commits."""
    cutoff = (now or utcnow()) - RETENTION
    return db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff)).rowcount


def answered_once(status: int, load: Callable[[int], Report], *, keep_loaded: bool = False,
                  location: bool = False) -> Callable[[Callable[..., Report]], Any]:
    """The transaction boundary of a POST that acts on a case: commit what the view did,
    once per ``Idempotency-Key``, and answer with the case and ``status``.

    ``load(id)`` gives a case the caller may see (else 404), for a repeat's answer.
    ``keep_loaded`` commits without expiring (the answer is built from memory);
    ``location`` adds the case's URL as ``Location``.
    """
    def decorate(view: Callable[..., Report]) -> Any:
        def answer(report: Report, code: int, **headers: str) -> Any:
            if location:
                headers["Location"] = url_for("api.detail", report_id=report.id)
            return report, code, headers

        @functools.wraps(view)
        def wrapper(*args: Any, key: str | None = None, **kwargs: Any) -> Any:
            if key is None:
                report = view(*args, **kwargs)
                _commit(keep_loaded)
                return answer(report, status)
            user_id, print_ = api_user().id, fingerprint()
            earlier = find_key(user_id, key)
            if earlier is None:
                try:
                    report = view(*args, **kwargs)
                    record_key(user_id, key, print_, status, report.id)
                    _commit(keep_loaded)
                    return answer(report, status)
                except RACE_ERRORS:
                    db.session.rollback()
                    earlier = find_key(user_id, key)  # committed by a twin meanwhile?
                    if earlier is None:
                        raise
            if earlier.fingerprint != print_:
                message = _("This Idempotency-Key was used for another request (a different "
                            "body or URL). Send a new key with a new request.")
                abort(422, message=message, errors={"headers": {HEADER: [message]}},
                      slug="idempotency-key-reused")
            return answer(load(earlier.report_id), earlier.response_status,
                          **{"Idempotent-Replayed": "true"})

        return bp.arguments(IdempotencyKeyHeader, location="headers", as_kwargs=True)(wrapper)
    return decorate


def _commit(keep_loaded: bool) -> None:
    if keep_loaded:
        commit_keeping_loaded()
    else:
        db.session.commit()
