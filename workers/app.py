"""The worker's entry point: ``celery -A workers.app worker`` (and ``beat``).

The only module that builds the Flask app at import (architecture.md rule 9): the worker
needs one app, with its configuration, database and Celery instance, for its whole life.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from celery.schedules import crontab
from celery.signals import (
    beat_init,
    worker_process_init,
    worker_process_shutdown,
    worker_shutdown,
)

from avvik.app import create_app
from avvik.core import smtp
from avvik.core.mail import needs_smtputf8, sender_address
from avvik.extensions import db
from config import ConfigError

try:
    flask_app = create_app()
    # A sender that needs SMTPUTF8 from a server without it could send nothing: said now.
    smtp.check_smtputf8(flask_app.config,
                        needs_smtputf8(sender_address(flask_app.config["MAIL_FROM"])))
except (ConfigError, smtp.SmtpConfigurationError) as error:
    # One line naming the missing setting, no traceback (as `avvik` does).
    print(f"avvik worker: {error}", file=sys.stderr, flush=True)
    raise SystemExit(2) from None

#: The app's own Celery instance; Celery finds it here by the name ``celery``.
celery = flask_app.extensions["celery"]

# Importing a task module is what registers its @shared_task functions with the worker.
import workers.api  # noqa: E402
import workers.core  # noqa: E402
import workers.escalation  # noqa: E402
import workers.integrations  # noqa: E402
import workers.mail  # noqa: E402
import workers.outbox  # noqa: E402, F401

# Every scheduled task is harmless when run twice; exactly one beat process sends them.
celery.conf.beat_schedule = {
    "heartbeat": {"task": "core.heartbeat", "schedule": 30.0},
    # Work the broker lost, work whose worker died, and retries that are due.
    "outbox-resend": {"task": "outbox.resend",
                      "schedule": flask_app.config["OUTBOX_RESEND_SECONDS"]},
    "escalation-sweep": {"task": "escalation.sweep", "schedule": 120.0},
    "weekly-digest": {"task": "escalation.weekly_digest",
                      "schedule": crontab(hour=7, minute=0, day_of_week="monday")},
    "delete-expired-identities": {"task": "reports.delete_expired_identities",
                                  "schedule": crontab(hour=2, minute=30)},
    "purge-idempotency-keys": {"task": "api.purge_idempotency_keys",
                               "schedule": crontab(hour=2, minute=45)},
}
# Beat remembers when it last sent each task; keep that file with the other state.
celery.conf.beat_schedule_filename = str(
    Path(flask_app.config["INSTANCE_DIR"]) / "celerybeat-schedule"
)


@beat_init.connect
def first_heartbeat(**_kwargs: Any) -> None:
    """Beat sends the first heartbeat as it starts, not one interval later: /health calls
    the worker silent until one is recorded, and a fresh `make run` would be unhealthy
    until then."""
    celery.send_task("core.heartbeat")


@worker_process_init.connect
def dispose_engine_after_fork(**_kwargs: Any) -> None:
    """A forked pool process must not reuse the parent's database connections."""
    with flask_app.app_context():
        db.engine.dispose(close=False)


@worker_process_shutdown.connect
@worker_shutdown.connect
def close_smtp_connection(**_kwargs: Any) -> None:
    """Say QUIT on the process's kept SMTP connection (pool process, or a solo worker)."""
    smtp.close()
