"""The WSGI entry point: ``gunicorn "avvik.wsgi:app"``.

A missing production setting stops the server with one line naming it, not a traceback
per worker process (use gunicorn's ``--preload`` to have it said once).
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress

from sqlalchemy.exc import OperationalError

from avvik.app import create_app
from avvik.extensions import db
from avvik.reports.vault import check_identity_key
from config import ConfigError, load_config

# gunicorn's exit code for "the application could not be loaded": its master stops
# instead of starting new workers that would fail the same way.
APP_LOAD_ERROR = 4

try:
    # web=True: statements are bounded, so that one the database is stuck on costs the
    # request a 503, not the worker that gunicorn kills on its own timeout.
    app = create_app(load_config(web=True))
    if app.config["ENV_NAME"] == "production":
        # A database that is down now: pages answer 503 until it is back.
        with app.app_context(), suppress(OperationalError):
            check_identity_key()
            db.session.remove()
            db.engine.dispose()  # no connection of the master's for the workers to share
except ConfigError as error:
    print(f"avvik: {error}", file=sys.stderr, flush=True)
    raise SystemExit(APP_LOAD_ERROR) from None


def _pool_of_its_own() -> None:
    """In a worker gunicorn forks from a preloaded master: forget any connection the
    master opened (without closing it: the master owns it). Two processes on one
    connection interleave their statements ("connection in transaction status")."""
    with app.app_context():
        db.engine.dispose(close=False)


os.register_at_fork(after_in_child=_pool_of_its_own)
