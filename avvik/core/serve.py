"""``avvik serve``: the whole system on one machine, as ``make run`` starts it.

Starts the web server (gunicorn), a Celery worker with embedded beat, and - unless
AVVIK_SMTP_HOST names a real server - the local SMTP debugging server, then watches them.
Ctrl-C or SIGTERM stops all of them; if one dies, the others are stopped too.
Production runs the same pieces as separate processes (see the Procfile).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from avvik.core.procfs import port_open
from avvik.core.supervisor import ChildExited, StopRequested, Supervisor
from avvik.demo.people import DEMO_PASSWORD
from config import env

#: The sign-ins ``avvik demo-data`` creates; shown when they exist in the database.
DEMO_USERNAMES = (
    "melder.kommune", "melder.sykehus", "leder.kommune", "leder.sykehus",
    "koordinator.kommune", "koordinator.sykehus", "kvalitet", "sekretariat", "admin",
    "melder.annen",
)
STARTUP_SECONDS = 90


@click.command("serve")
@click.option("--port", type=int, default=None, help="Web port (default AVVIK_PORT or 5000).")
@with_appcontext
def serve_command(port: int | None) -> None:
    """Run the web app, a Celery worker with beat and the SMTP debugging server."""
    config = current_app.config
    port = port or config["PORT"]
    url = f"http://127.0.0.1:{port}/"
    debug_mail = env("SMTP_HOST") is None
    _refuse_busy_port(port, "AVVIK_PORT")
    if debug_mail:
        _refuse_busy_port(config["SMTP_PORT"], "AVVIK_SMTP_PORT")
    prepare_broker_folders(config["CELERY"])

    # A warm Celery shutdown on the filesystem broker takes several seconds.
    supervisor = Supervisor(_child_environment(port), grace_seconds=20)
    supervisor.install_signal_handlers()
    code = 0
    try:
        if debug_mail:
            supervisor.start("the mail debugging server", _devmail_argv(config))
            supervisor.wait_until(lambda: port_open(config["SMTP_PORT"]), STARTUP_SECONDS,
                                  "the mail debugging server")
        supervisor.start("the Celery worker", _worker_argv())
        supervisor.start("the web server", _web_argv(port))
        supervisor.wait_until(lambda: _http_answers(url), STARTUP_SECONDS, "the web server")
        _print_banner(url, config, debug_mail)
        supervisor.watch()
    except StopRequested:
        click.echo("avvik serve: stopping (press Ctrl-C again to kill at once)", err=True)
    except (ChildExited, TimeoutError) as problem:
        click.echo(f"avvik serve: {problem}; stopping the others", err=True)
        code = 1
    finally:
        supervisor.stop_all()
    sys.exit(code)


def prepare_broker_folders(celery_settings: Mapping[str, Any]) -> None:
    """Create the filesystem broker's folders; Kombu expects them to exist."""
    options = celery_settings.get("broker_transport_options", {})
    if str(celery_settings.get("broker_url", "")).startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)


def _child_environment(port: int) -> dict[str, str]:
    child_env = dict(os.environ, PYTHONUNBUFFERED="1", AVVIK_PORT=str(port))
    # Links in e-mails must point at the port actually served.
    if env("BASE_URL") is None:
        child_env["AVVIK_BASE_URL"] = f"http://127.0.0.1:{port}"
    return child_env


def _web_argv(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
            "--graceful-timeout", "5", "--preload", "avvik.wsgi:app"]


def _worker_argv() -> list[str]:
    # One machine, one worker: mingle and gossip only matter between several workers.
    return [sys.executable, "-m", "celery", "-A", "workers.app", "worker", "-B",
            "--concurrency", "2", "--loglevel", "info", "--without-mingle", "--without-gossip"]


def _devmail_argv(config: Mapping[str, Any]) -> list[str]:
    return [sys.executable, "-m", "avvik.core.devmail", "--host", "127.0.0.1",
            "--port", str(config["SMTP_PORT"]), "--dir", config["MAIL_DIR"]]


def _print_banner(url: str, config: Mapping[str, Any], debug_mail: bool) -> None:
    lines = ["", f"Avvik is running at {url}"]
    if debug_mail:
        lines.append(f"E-mails are printed here and saved in {config['MAIL_DIR']}")
    else:
        lines.append(f"E-mails go to {config['SMTP_HOST']}:{config['SMTP_PORT']}")
    demo_users = _demo_users_present()
    if demo_users:
        lines.append(f"Demo sign-ins (password {DEMO_PASSWORD}):")
        lines.extend(f"  {name}" for name in demo_users)
    lines.extend(["Press Ctrl-C to stop.", ""])
    click.echo("\n".join(lines))


def _demo_users_present() -> list[str]:
    from sqlalchemy.exc import SQLAlchemyError

    from avvik.extensions import db
    from avvik.users.models import User

    try:
        found = set(db.session.scalars(
            db.select(User.username).where(User.username.in_(DEMO_USERNAMES))
        ))
    except SQLAlchemyError:  # not migrated yet: no users to show
        return []
    finally:
        db.session.remove()
    return [name for name in DEMO_USERNAMES if name in found]


def _refuse_busy_port(port: int, setting: str) -> None:
    if port_open(port):
        raise click.ClickException(f"port {port} is already in use; set {setting} to another")


def _http_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the app is up
    except OSError:
        return False
