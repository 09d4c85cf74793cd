"""``avvik serve``: the whole system on one machine, as ``make run`` starts it.

Starts the embedded broker (unless AVVIK_BROKER_URL names one), the local SMTP debugging
server (unless AVVIK_SMTP_HOST names a real one), a Celery worker, Celery beat and the web
server (gunicorn), then minds them: a process that dies is restarted, and the web server
keeps answering meanwhile. Ctrl-C or SIGTERM stops all of them, and so does a process
that keeps dying. Production runs the same pieces as separate processes (the Procfile).
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from avvik.core.procfs import port_open
from avvik.serving import broker
from avvik.serving.banner import banner
from avvik.serving.children import (
    beat_argv,
    child_environment,
    devmail_argv,
    web_argv,
    web_environment,
    worker_argv,
    worker_environment,
)
from avvik.serving.state import state_path
from avvik.serving.supervisor import KeepsDying, StopRequested, Supervisor
from config import embedded_broker_socket, env

STARTUP_SECONDS = 90


@click.command("serve")
@click.option("--port", type=int, default=None, help="Web port (default AVVIK_PORT or 5000).")
@with_appcontext
def serve_command(port: int | None) -> None:
    """Run the web app, a Celery worker, beat, the broker and the SMTP debugging server."""
    config = current_app.config
    port = port or config["PORT"]
    url = f"http://127.0.0.1:{port}/"
    instance = Path(config["INSTANCE_DIR"])
    debug_mail = env("SMTP_HOST") is None
    embedded = env("BROKER_URL") is None
    _refuse_busy_port(port, "AVVIK_PORT")
    if debug_mail:
        _refuse_busy_port(config["SMTP_PORT"], "AVVIK_SMTP_PORT")
    socket = embedded_broker_socket(instance)
    if embedded:
        broker.prepare(socket, instance / "broker")

    base_env = child_environment(port)
    # The worker waits for an answering broker and SMTP server on its own, but a warm
    # shutdown still takes a few seconds: hence the grace.
    supervisor = Supervisor(base_env, grace_seconds=20, state_file=state_path(instance))
    supervisor.install_signal_handlers()
    code = 0
    try:
        if embedded:
            supervisor.start("broker", broker.server_argv(socket, instance / "broker"),
                             f"the broker (Valkey, log in {broker.log_file(instance)})",
                             stop_last=True)
            supervisor.wait_until(lambda: broker.answers(socket), STARTUP_SECONDS,
                                  "the broker")
        if debug_mail:
            supervisor.start("mail", devmail_argv(config), "the mail debugging server")
            supervisor.wait_until(lambda: port_open(config["SMTP_PORT"]), STARTUP_SECONDS,
                                  "the mail debugging server")
        supervisor.start("worker", worker_argv(), "the Celery worker",
                         env=worker_environment(base_env))
        supervisor.start("beat", beat_argv(), "Celery beat")
        supervisor.start("web", web_argv(port), "the web server",
                         env=web_environment(base_env, str(instance)))
        supervisor.wait_until(lambda: _http_answers(url), STARTUP_SECONDS, "the web server")
        # After the worker's own start-up lines, so that the banner is the last word.
        celery = current_app.extensions["celery"]
        supervisor.wait_until(lambda: _worker_answers(celery), STARTUP_SECONDS,
                              "the Celery worker")
        click.echo(banner(url, config, debug_mail, str(instance / "broker") if embedded
                          else None))
        supervisor.watch()
    except StopRequested:
        click.echo("avvik serve: stopping (press Ctrl-C again to kill at once)", err=True)
    except (KeepsDying, TimeoutError) as problem:
        click.echo(f"avvik serve: {problem}; stopping everything", err=True)
        code = 1
    finally:
        supervisor.stop_all()
    sys.exit(code)


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


def _worker_answers(celery: Any) -> bool:
    """Whether a worker answers a ping over the broker: it is consuming."""
    try:
        return bool(celery.control.ping(timeout=1.0))
    except Exception:  # a broker that is away or restarting: ask again later
        return False
