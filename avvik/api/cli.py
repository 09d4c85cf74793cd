"""``avvik create-token USERNAME``: a personal API token from the command line."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from avvik.core.errors import ValidationFailed
from avvik.extensions import db


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="Command line", show_default=True,
              help="A name that tells the token apart on the user's profile.")
@with_appcontext
def create_token_command(username: str, name: str) -> None:
    """Create a personal API token for USERNAME and print it (it is shown only once).

    It expires after AVVIK_API_TOKEN_DAYS days, or when the user's password changes."""
    from avvik.api.services import create_token
    from avvik.users.models import User

    user = db.session.execute(
        db.select(User).filter_by(username=username.strip())).scalar_one_or_none()
    if user is None or not user.is_active:
        click.echo(f"avvik: no active user named {username!r}", err=True)
        raise SystemExit(1)
    try:
        _token, plain = create_token(user, name, by_operator=True)
    except ValidationFailed as error:
        for field, reason in error.errors:
            click.echo(f"{field}: {reason}", err=True)
        raise SystemExit(1) from None
    db.session.commit()
    click.echo(plain)
