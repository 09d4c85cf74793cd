"""``avvik demo-data``: load the fictional health community with two years of cases."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from avvik.core.timeutil import utcnow
from avvik.demo.history import DEFAULT_HISTORY_SIZE
from avvik.demo.people import DEMO_PASSWORD
from avvik.demo.services import DEFAULT_SEED, DemoRefused, DemoSummary, load_demo_data
from avvik.extensions import db
from avvik.reports.models import ReportStatus


@click.command("demo-data")
@click.option("--history-size", type=click.IntRange(min=0), default=DEFAULT_HISTORY_SIZE,
              show_default=True, help="How many cases of synthetic history to create.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed; the same seed on the same day gives the same data.")
@with_appcontext
def demo_data_command(history_size: int, seed: int) -> None:
    """Load a fictional health community, demo users and two years of cases."""
    started = time.perf_counter()
    try:
        summary = load_demo_data(now=utcnow(), seed=seed, history_size=history_size,
                                 environment=current_app.config["ENV_NAME"])
    except DemoRefused as refusal:
        if current_app.config["ENV_NAME"] == "production":
            raise click.ClickException(str(refusal)) from None
        click.echo(str(refusal))  # a second run is a harmless no-op
        return
    db.session.commit()
    click.echo(format_summary(summary, time.perf_counter() - started))


def format_summary(summary: DemoSummary, seconds: float) -> str:
    orgs = ", ".join(f"{count} {kind.value}" for kind, count in summary.organizations.items())
    statuses = ", ".join(f"{status.value} {summary.cases.get(status, 0)}"
                         for status in ReportStatus)
    width = max(len(username) for username, _ in summary.logins)
    lines = [
        f"Demo data loaded in {seconds:.1f} s: {summary.community}",
        f"  Organisations: {sum(summary.organizations.values())} ({orgs})",
        f"  Units: {summary.units}  Users: {summary.users}  "
        f"Routing rules: {summary.routing_rules}",
        f"  Cases: {sum(summary.cases.values())} ({statuses})",
        f"  Measures: {summary.measures}",
        f"  Joint committee agenda: {summary.agenda_open} open, "
        f"{summary.agenda_resolved} resolved",
        f"Demo logins (password for all: {DEMO_PASSWORD}):",
        *(f"  {username:<{width}}  {what}" for username, what in summary.logins),
    ]
    return "\n".join(lines)
