"""``avvik send-test-mail ADDRESS``: check the SMTP setup through the real worker."""

from __future__ import annotations

import uuid

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import with_appcontext
from kombu.exceptions import OperationalError


@click.command("send-test-mail")
@click.argument("address")
@click.option("--locale", type=click.Choice(["nb", "en"]), default=None,
              help="Language of the message (default: bokmål).")
@with_appcontext
def send_test_mail_command(address: str, locale: str | None) -> None:
    """Queue a test message to ADDRESS; a worker sends it (retrying while SMTP is down)."""
    try:
        address = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="ADDRESS") from None
    message_id = f"<test.{uuid.uuid4().hex}@avvik>"
    celery = current_app.extensions["celery"]
    try:
        # By name: the web side never imports the worker's modules.
        celery.send_task("mail.send_test", args=[address, message_id, locale])
    except OperationalError as error:
        raise click.ClickException(f"the broker does not answer ({error}); start "
                                   "`avvik serve` (make run) or check AVVIK_BROKER_URL"
                                   ) from None
    click.echo(f"Queued a test message to {address} (Message-ID {message_id}).")
