"""A database that cannot be reached or does not answer in time: 503 with Retry-After.

Connection refused, a connect or statement timeout, no free connection in the pool, an
SQLite lock held too long: the request cannot be served now but can be soon. Other
database errors (a missing table, a broken constraint) stay faults of ours: 500.
``http_errors`` turns an outage into a calm page, or problem details (RFC 9457) for the
API, both saying truthfully whether what the request sent may have been saved.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Literal

from flask import g, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.wrappers import Response

from avvik.core.problems import problem
from avvik.extensions import db, login_manager

log = logging.getLogger(__name__)

#: Seconds a client is asked to wait before it tries again.
RETRY_AFTER_SECONDS = 30

#: The errors a handler is registered for; ``is_outage`` picks the outages among them.
DATABASE_ERRORS = (DBAPIError, PoolTimeout)

#: SQLSTATE prefixes of PostgreSQL errors that mean "not now": connection (08),
#: insufficient resources (53), lock not available (55P03), operator intervention such
#: as a cancelled statement or a shutdown (57), system error (58).
POSTGRES_OUTAGE_STATES = ("08", "53", "55P03", "57", "58")

#: SQLite's primary result codes that mean "not now": BUSY, LOCKED, IOERR, FULL,
#: CANTOPEN, PROTOCOL.
SQLITE_OUTAGE_CODES = frozenset({5, 6, 10, 13, 14, 15})

#: What became of the request's writes: it only read; nothing was saved; a COMMIT was
#: sent, so its writes (or those of the sign-in's own bookkeeping) may have been saved.
Outcome = Literal["read", "not_saved", "in_doubt"]


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` means the database is unavailable rather than a fault of ours."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OperationalError):
        return False
    sqlite_code = getattr(error.orig, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in SQLITE_OUTAGE_CODES
    sqlstate = getattr(error.orig, "sqlstate", None)
    # No SQLSTATE: the driver's own failure, to connect or to hear back.
    return sqlstate is None or sqlstate.startswith(POSTGRES_OUTAGE_STATES)


def track_commits() -> None:
    """Note each COMMIT a request sends, so that an outage can say what it cost.

    The engine's event comes just before COMMIT goes out: a statement that failed before
    it (a flush cancelled by the statement timeout) saved nothing.
    """
    if not event.contains(Engine, "commit", _commit_sent):
        event.listen(Engine, "commit", _commit_sent)


def _commit_sent(_connection: Connection) -> None:
    if has_request_context():
        g.avvik_commit_sent = True


def recover_from_outage(error: BaseException) -> Outcome:
    """Roll back, answer as nobody, log one line; return what became of the writes."""
    with contextlib.suppress(SQLAlchemyError):  # the connection may be gone already
        db.session.rollback()
    # The user was never loaded, or the rollback expired it: the error page must not
    # ask the database again.
    g._login_user = login_manager.anonymous_user()
    outcome: Outcome = ("read" if request.method in ("GET", "HEAD", "OPTIONS")
                        else "in_doubt" if g.get("avvik_commit_sent") else "not_saved")
    log.warning("database unavailable: %s %s answered 503 (%s, %s)", request.method,
                request.endpoint or "-", _reason(error), outcome)
    return outcome


def _reason(error: BaseException) -> str:
    # The class and code only: the message may quote the statement's parameters.
    orig = getattr(error, "orig", None) or error
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    return f"{type(orig).__name__} {code}" if code else type(orig).__name__


def outage_problem(outcome: Outcome) -> Response:
    """The 503 as problem details (RFC 9457), with Retry-After."""
    details = {
        "read": _("The database is not answering at the moment. Try again after the "
                  "seconds given in Retry-After."),
        "not_saved": _("The database is not answering at the moment. Nothing of this "
                       "request was saved: send it again after the seconds given in "
                       "Retry-After."),
        "in_doubt": _("The database stopped answering during this request, so it may or "
                      "may not have been saved. After the seconds given in Retry-After, "
                      "check before you send it again."),
    }
    return problem(503, details[outcome], slug="service-unavailable", headers=retry_after())


def retry_after() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}
