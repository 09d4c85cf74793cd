"""The command lines and environment of the processes that ``avvik serve`` starts.

They are the processes of the README's Procfile (gunicorn, a Celery worker, Celery beat)
plus, on one machine, the embedded broker and the mail debugging server.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from config import env

CELERY = [sys.executable, "-m", "celery", "-A", "workers.app"]
#: Celery warns a worker that runs as root. In a container root is the usual user, and
#: the warning's real concern, pickled messages, is closed here (JSON only): it would
#: only alarm a newcomer. C_FORCE_ROOT would not silence it (Celery 5.5 warns all the
#: same), so the warning is filtered in the worker's environment, and only there, when
#: root runs `avvik serve`; a production worker under its own user never meets it.
ROOT_WARNING_FILTER = "ignore:You're running the worker with superuser privileges"
#: The worker's and beat's log level on the console. Beat sends the outbox re-send every
#: ten seconds and the worker logs each task twice: at "info" the banner scrolls away
#: within a minute under lines that say nothing went wrong. AVVIK_LOG_LEVEL=info shows them.
DEFAULT_LOG_LEVEL = "warning"


def celery_log_level() -> str:
    return (env("LOG_LEVEL", DEFAULT_LOG_LEVEL) or DEFAULT_LOG_LEVEL).lower()


def child_environment(port: int) -> dict[str, str]:
    child_env = dict(os.environ, PYTHONUNBUFFERED="1", AVVIK_PORT=str(port))
    # Links in e-mails must point at the port actually served.
    if env("BASE_URL") is None:
        child_env["AVVIK_BASE_URL"] = f"http://127.0.0.1:{port}"
    return child_env


def web_argv(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--graceful-timeout", "5", "--preload", "-c", "python:avvik.serving.gunicorn_conf",
            "avvik.wsgi:app"]


def web_environment(base: Mapping[str, str], instance: str) -> dict[str, str]:
    """The web server's environment: ``base``, with the folder where its worker processes
    keep their request metrics (avvik/core/metrics.py), unless one is named already."""
    web_env = dict(base)
    web_env.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(instance, "metrics"))
    return web_env


def worker_argv() -> list[str]:
    # One machine, one worker: mingle and gossip only matter between several workers.
    return [*CELERY, "worker", "--concurrency", "2", "--loglevel", celery_log_level(),
            "--without-mingle", "--without-gossip"]


def beat_argv() -> list[str]:
    # Beat in a process of its own (as in production), not inside the worker (-B): a
    # worker that dies and is restarted takes no schedule with it. Its schedule file is
    # in the instance folder (workers/app.py).
    return [*CELERY, "beat", "--loglevel", celery_log_level()]


def worker_environment(base: Mapping[str, str]) -> dict[str, str]:
    """The worker's environment: ``base``, with Celery's root warning filtered for root."""
    worker_env = dict(base)
    if os.geteuid() == 0:
        filters = [f for f in (base.get("PYTHONWARNINGS"), ROOT_WARNING_FILTER) if f]
        worker_env["PYTHONWARNINGS"] = ",".join(filters)
    return worker_env


def devmail_argv(config: Mapping[str, Any]) -> list[str]:
    return [sys.executable, "-m", "avvik.serving.devmail", "--host", "127.0.0.1",
            "--port", str(config["SMTP_PORT"]), "--dir", config["MAIL_DIR"]]
