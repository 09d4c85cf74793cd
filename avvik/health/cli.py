"""``avvik worker-status``: the health report in the terminal."""

from __future__ import annotations

import sys

import click

from avvik.health.services import health


@click.command("worker-status")
def worker_status_command() -> None:
    """Print the database, broker, last worker heartbeat and outbox backlog."""
    status = health()
    for key, value in status.as_dict().items():
        click.echo(f"{key:24} {value}")
    sys.exit(0 if status.healthy else 1)
