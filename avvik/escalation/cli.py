"""``avvik escalate``: one sweep of the escalation ladder, for operators and tests."""

from __future__ import annotations

from datetime import datetime

import click

from avvik.core.timeutil import utcnow
from avvik.escalation.services import sweep
from avvik.extensions import db
from avvik.outbox.dispatch import publish_committed


def _parse_moment(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use ISO 8601, e.g. 2026-12-14T09:00:00+01:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone, e.g. +01:00 or Z")
    return moment


@click.command("escalate")
@click.option("--now", "now_text", metavar="ISO-8601",
              help="Sweep as of this moment instead of the current time.")
@click.option("--dry-run", is_flag=True, help="Show what would be done; change nothing.")
def escalate_command(now_text: str | None, dry_run: bool) -> None:
    """Send due reminders and move overdue cases up the escalation ladder."""
    now = _parse_moment(now_text)
    steps = sweep(now, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
        publish_committed()
    verb = "would" if dry_run else "did"
    for step in steps:
        what = "reminder" if step.kind == "reminder" else f"escalation to level {step.level}"
        click.echo(f"{step.case_number}: {what}")
    click.echo(f"{len(steps)} step(s) {'planned' if dry_run else 'taken'} "
               f"({verb} sweep as of {now.isoformat()})")
